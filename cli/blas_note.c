/* blas_note.c - the note that the BLAS's kernels leave this CPU's AVX-512 unused. */
#include "cli.h"
#include "hone.h"

#include <stdlib.h>

int cli_blas_note(FILE *out, const char *ask) {
    const hone_blas_info blas = hone_blas_describe();
    if (!blas.cpu_avx512 || blas.kernels_avx512) return 0;
    const char *coretype = getenv("OPENBLAS_CORETYPE"); /* who chose them, then how to ask for the others */
    fprintf(out, "note: this CPU has AVX-512, which the %s kernels do not use", blas.kernels);
    if (coretype && *coretype) fprintf(out, ": OPENBLAS_CORETYPE=%s in the\nenvironment chose them;", coretype);
    else fprintf(out, " (an OpenBLAS older than the CPU\nfalls back to kernels it knows):");
    fprintf(out, " OPENBLAS_CORETYPE=SkylakeX %s\n", ask);
    return 1;
}
