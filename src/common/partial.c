/* partial.c - the temporaries of the library's atomic writes still under way, so that a signal
 * handler that ends the process can remove them (hone_remove_partial_files).
 *
 * A save writes PATH.tmp.XXXXXX and renames it over PATH at the end; a process killed in between
 * left the temporary behind (a second Ctrl-C during hone train's checkpoint, 51 MB of it). Each
 * write holds a slot from just after it created its temporary until it renamed or removed it.
 * The handler reads only these static slots and calls unlink, both async-signal-safe. A slot is
 * claimed (BUSY) while its name is written, and the handler removes only LIVE ones, so it never
 * reads a half-written name; a file is registered once it exists, so it is never someone else's. */
#include "hone_internal.h"

#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

enum { FREE, BUSY, LIVE };
enum { SLOTS = 8, NAME_MAX_BYTES = 4096 + 16 }; /* saves under way at once; a path and ".tmp.XXXXXX" */

static struct {
    atomic_int state;
    char name[NAME_MAX_BYTES];
} slots[SLOTS];

int honeC_partial_begin(const char *tmp) {
    const size_t len = strlen(tmp);
    if (len >= NAME_MAX_BYTES) return -1; /* not watched: the file is still removed on any failure */
    for (int i = 0; i < SLOTS; i++) {
        int expected = FREE;
        if (!atomic_compare_exchange_strong(&slots[i].state, &expected, BUSY)) continue;
        memcpy(slots[i].name, tmp, len + 1);
        atomic_store(&slots[i].state, LIVE);
        return i;
    }
    return -1;
}

void honeC_partial_end(int slot) {
    if (slot >= 0 && slot < SLOTS) atomic_store(&slots[slot].state, FREE);
}

void hone_remove_partial_files(void) {
    for (int i = 0; i < SLOTS; i++)
        if (atomic_load(&slots[i].state) == LIVE) unlink(slots[i].name);
}
