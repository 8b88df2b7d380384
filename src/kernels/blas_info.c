/* blas_info.c - which BLAS runs the matrix products, and whether the kernels it chose for this
 * CPU leave its widest vectors unused: an OpenBLAS older than the CPU falls back to kernels it
 * knows, and OPENBLAS_CORETYPE in the environment overrides its choice (the shell of BENCHMARKS
 * runs AG, AJ, AM and AO set it to Haswell: AVX2 on an AMD Zen 5, where OpenBLAS 0.3.21 itself picks its
 * AVX-512 Cooperlake kernels, and its SkylakeX ones ran the products 1.8 times as fast on one core). */
#include "kernels/kernels.h"

#include <strings.h>

/* OpenBLAS's kernel sets for x86-64 CPUs with AVX-512 (its TARGET names, as openblas_get_corename
 * spells them; older releases lack the later ones) */
static const char *const avx512_kernels[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};

bool honeK_kernels_avx512(const char *kernels) {
    if (!kernels) return false;
    for (size_t i = 0; i < sizeof avx512_kernels / sizeof *avx512_kernels; i++)
        if (!strcasecmp(kernels, avx512_kernels[i])) return true;
    return false;
}

hone_blas_info hone_blas_describe(void) {
    hone_blas_info info = {openblas_get_config(), openblas_get_corename(), 0, 0};
    info.kernels_avx512 = honeK_kernels_avx512(info.kernels);
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    info.cpu_avx512 = __builtin_cpu_supports("avx512f") != 0;
#endif
    return info;
}
