/* checksum.c - CRC-32 arithmetic and text for model files (what the sums cover: checksum.h). */
#include "model/checksum.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

uint32_t honeS_crc_add(uint32_t crc, const void *bytes, size_t n) {
    return (uint32_t)crc32_z(crc, bytes, n); /* crc32_z: a length of any size_t */
}

uint32_t honeS_crc_add_entry(uint32_t crc, const char *name, const char *value) {
    if (strncmp(name, HONES_OWN_PREFIX, strlen(HONES_OWN_PREFIX)) != 0) return crc;
    crc = honeS_crc_add(crc, name, strlen(name) + 1); /* the NULs keep "ab" "c" apart from "a" "bc" */
    return honeS_crc_add(crc, value, strlen(value) + 1);
}

void honeS_crc_text(char out[9], uint32_t crc) {
    snprintf(out, 9, "%08lx", (unsigned long)crc);
}

bool honeS_crc_parse(const char *text, uint32_t *crc) {
    uint32_t v = 0;
    int i = 0;
    for (; i < 8 && text[i]; i++) {
        const char c = text[i];
        const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return false;
        v = v << 4 | (uint32_t)d;
    }
    if (i != 8 || text[8]) return false;
    *crc = v;
    return true;
}
