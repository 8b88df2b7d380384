/* rng.c - xoshiro256** (Blackman & Vigna), seeded by splitmix64: fast, and the same stream on
 * every machine, so a seed reproduces a run. */
#include "hone_internal.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void hone_rng_seed(hone_rng *rng, uint64_t seed) {
    for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t hone_rng_next(hone_rng *rng) {
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double hone_rng_uniform(hone_rng *rng) { return (double)(hone_rng_next(rng) >> 11) * 0x1.0p-53; }

double hone_rng_normal(hone_rng *rng) {
    double z0, z1;
    hone_rng_normal_pair(rng, &z0, &z1);
    return z0;
}

void hone_rng_normal_pair(hone_rng *rng, double *z0, double *z1) {
    /* Box-Muller; 1 - u keeps the logarithm's argument in (0, 1]. */
    double u = 1.0 - hone_rng_uniform(rng), v = hone_rng_uniform(rng);
    double r = sqrt(-2.0 * log(u)), a = 2.0 * 3.14159265358979323846 * v;
    *z0 = r * cos(a);
    *z1 = r * sin(a);
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
