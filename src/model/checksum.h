/* checksum.h - the CRC-32s that tell a damaged model file or checkpoint from a sound one.
 * safetensors.c writes two entries into __metadata__, each 8 lower-case hex digits, and its
 * loader checks them before it trusts a byte:
 *
 *   "crc32"           CRC-32 (zlib's) of the data section: every byte after the header
 *   "metadata_crc32"  CRC-32 of hone's own metadata entries (names starting "hone."), in the
 *                     order of the header, each as its name, a NUL, its value, a NUL
 *
 * The data section holds the weights and, in a checkpoint, the optimizer state and the order of
 * rows; the metadata holds what is not a tensor but changes behaviour as much (the
 * standardization, the architecture's settings, a checkpoint's generator states, step counts and
 * running sums in "hone.checkpoint"), so both are covered. Either key may be absent (a file of
 * an older hone, or from another tool): it loads unchecked. A key that is present must parse. */
#ifndef HONE_CHECKSUM_H
#define HONE_CHECKSUM_H

#include "hone_internal.h"

#define HONES_DATA_CRC_KEY "crc32"
#define HONES_META_CRC_KEY "metadata_crc32"
/* The prefix of the metadata entries the metadata checksum covers. */
#define HONES_OWN_PREFIX "hone."

/* Fuzzing builds (libFuzzer's convention, defined by mk/fuzz.mk) read on past a wrong checksum: a
 * fuzzer cannot forge the CRC of the bytes it mutates, so every check after this one would go
 * unexplored. They still parse the keys and compute the CRCs; only the verdict is ignored. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define HONES_CRC_ENFORCED 0
#else
#define HONES_CRC_ENFORCED 1
#endif

/* crc continued over bytes[0 .. n); start from 0. */
uint32_t honeS_crc_add(uint32_t crc, const void *bytes, size_t n);
/* The metadata checksum's share of one entry: name NUL value NUL, when the name is hone's. */
uint32_t honeS_crc_add_entry(uint32_t crc, const char *name, const char *value);
/* crc as 8 lower-case hex digits and a NUL. */
void honeS_crc_text(char out[9], uint32_t crc);
/* Exactly 8 hex digits (either case) into *crc; false for anything else. */
bool honeS_crc_parse(const char *text, uint32_t *crc);

#endif
