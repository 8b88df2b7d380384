/* rng.c - xoshiro256** (Blackman & Vigna), seeded by splitmix64: fast, and the same stream on
 * every machine, so a seed reproduces a run. */
#include "hone_internal.h"

#include <math.h>
#include <pthread.h>

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t honeC_mix64(uint64_t x) { return splitmix64(&x); }

void hone_rng_seed(hone_rng *rng, uint64_t seed) {
    for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&seed);
}

uint64_t hone_rng_next(hone_rng *rng) { return honeC_rng_next(rng); }

/* Seeding with batch_seed + row * 0x9e3779b97f4a7c15 would give each row three of its
 * neighbour's four state words (the seeder steps by that constant); a mixed offset gives every
 * row a state of its own. */
void honeC_row_rng(hone_rng *row_rng, uint64_t batch_seed, int row) {
    hone_rng_seed(row_rng, batch_seed + honeC_mix64((uint64_t)row));
}

double hone_rng_uniform(hone_rng *rng) { return (double)(hone_rng_next(rng) >> 11) * 0x1.0p-53; }

double hone_rng_normal(hone_rng *rng) {
    /* Box-Muller; 1 - u keeps the logarithm's argument in (0, 1]. */
    double u = 1.0 - hone_rng_uniform(rng), v = hone_rng_uniform(rng);
    return sqrt(-2.0 * log(u)) * cos(2.0 * 3.14159265358979323846 * v);
}

uint64_t hone_rng_below(hone_rng *rng, uint64_t n) {
    /* Rejection of the top partial range keeps every value equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = hone_rng_next(rng);
    while (x >= limit);
    return x % n;
}

void hone_rng_shuffle(hone_rng *rng, size_t *items, size_t n) {
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)hone_rng_below(rng, i);
        size_t tmp = items[i - 1];
        items[i - 1] = items[j];
        items[j] = tmp;
    }
}

/* The ziggurat method (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000) with 128 layers: the
 * normal density is covered by 127 equal-area rectangles and a base strip with the tail. A draw
 * picks a layer and a point in it; inside the part of the layer that lies under the curve (about
 * 98.8% of draws) the value is returned at once, otherwise it is accepted or rejected against the
 * density itself, or drawn from the tail beyond R by Marsaglia's exponential method, so the
 * result is exactly N(0, 1). The layer comes from the low 7 bits of a 64-bit draw and the value
 * from its high 32, so the two are independent (Doornik, 2005, on the original's shared bits). */
enum { ZIG_LAYERS = 128 };
#define ZIG_R 3.442619855899             /* where the tail starts */
#define ZIG_AREA 9.91256303526217e-3     /* each layer's area */
static uint32_t zig_k[ZIG_LAYERS];        /* |value| below k[i] lies under the curve for sure */
static double zig_w[ZIG_LAYERS], zig_f[ZIG_LAYERS];
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_tables(void) {
    const double m = 2147483648.0; /* 2^31: values are signed 32-bit integers scaled by w */
    double d = ZIG_R, t = d, q = ZIG_AREA / exp(-0.5 * d * d);
    zig_k[0] = (uint32_t)(d / q * m);
    zig_k[1] = 0;
    zig_w[0] = q / m;
    zig_w[ZIG_LAYERS - 1] = d / m;
    zig_f[0] = 1;
    zig_f[ZIG_LAYERS - 1] = exp(-0.5 * d * d);
    for (int i = ZIG_LAYERS - 2; i >= 1; i--) {
        d = sqrt(-2 * log(ZIG_AREA / d + exp(-0.5 * d * d)));
        zig_k[i + 1] = (uint32_t)(d / t * m);
        t = d;
        zig_f[i] = exp(-0.5 * d * d);
        zig_w[i] = d / m;
    }
}

double hone_rng_normal_fast(hone_rng *rng) {
    pthread_once(&zig_once, zig_tables);
    for (;;) {
        const uint64_t bits = hone_rng_next(rng);
        const int i = (int)(bits & (ZIG_LAYERS - 1));
        const int32_t h = (int32_t)(uint32_t)(bits >> 32);
        const uint32_t magnitude = h < 0 ? (uint32_t)0 - (uint32_t)h : (uint32_t)h;
        const double x = h * zig_w[i];
        if (magnitude < zig_k[i]) return x; /* inside the rectangle's part under the curve */
        if (i == 0) {                       /* the tail beyond R */
            double a, b;
            do {
                a = -log(1.0 - hone_rng_uniform(rng)) / ZIG_R;
                b = -log(1.0 - hone_rng_uniform(rng));
            } while (b + b < a * a);
            return h > 0 ? ZIG_R + a : -ZIG_R - a;
        }
        /* the wedge between the rectangle and the curve: accept where the density is above */
        if (zig_f[i] + hone_rng_uniform(rng) * (zig_f[i - 1] - zig_f[i]) < exp(-0.5 * x * x)) return x;
    }
}
