/* augment.c - random image transforms for training batches: shift, rotation, mirror. One
 * inverse mapping does shift and rotation together, sampled bilinearly, black outside. */
#include "hone_internal.h"

#include <math.h>
#include <string.h>

/* dst [H, W] = src [H, W] moved by (dx, dy) pixels and turned by `degrees` about the centre,
 * mirrored left-right when flip; pixels that come from outside the image are 0. */
void honeD_transform_image(hone_real *restrict dst, const hone_real *restrict src, int H, int W,
                           double dx, double dy, double degrees, int flip) {
    const double a = degrees * 3.14159265358979323846 / 180, c = cos(a), s = sin(a);
    const double cx = (W - 1) / 2.0, cy = (H - 1) / 2.0;
    for (int i = 0; i < H; i++) {
        for (int j = 0; j < W; j++) {
            /* the destination pixel comes from rotating back by -a and shifting back */
            double u = (flip ? W - 1 - j : j) - cx - dx, v = i - cy - dy;
            double sx = c * u + s * v + cx, sy = -s * u + c * v + cy;
            int x0 = (int)floor(sx), y0 = (int)floor(sy);
            double fx = sx - x0, fy = sy - y0, sum = 0;
            for (int k = 0; k < 4; k++) {
                int xx = x0 + (k & 1), yy = y0 + (k >> 1);
                if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
                double w = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
                sum += w * src[(size_t)yy * W + xx];
            }
            dst[(size_t)i * W + j] = (hone_real)sum;
        }
    }
}

void honeD_augment_draw(const hone_augment *aug, hone_rng *rng, int *dx, int *dy, double *degrees, int *flip) {
    *dx = aug->shift ? (int)hone_rng_below(rng, 2 * (uint64_t)aug->shift + 1) - aug->shift : 0;
    *dy = aug->shift ? (int)hone_rng_below(rng, 2 * (uint64_t)aug->shift + 1) - aug->shift : 0;
    *degrees = aug->rotate > 0 ? aug->rotate * (2 * hone_rng_uniform(rng) - 1) : 0;
    *flip = aug->flip ? (int)hone_rng_below(rng, 2) : 0;
}

void honeD_augment_image(hone_real *dst, const hone_real *src, int H, int W, const hone_augment *aug,
                         hone_rng *rng) {
    int dx, dy, flip;
    double deg;
    honeD_augment_draw(aug, rng, &dx, &dy, &deg, &flip);
    if (dx == 0 && dy == 0 && deg == 0 && !flip) {
        memcpy(dst, src, (size_t)H * W * sizeof *dst);
        return;
    }
    honeD_transform_image(dst, src, H, W, dx, dy, deg, flip);
}
