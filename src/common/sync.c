/* sync.c - fsync of the directory that holds a path, after a rename into it. */
#include "hone_internal.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* The directory entry of a rename reaches the disk too; some file systems cannot sync a
 * directory, and the file itself is already safe, so failures here are not errors. */
void honeC_sync_directory(const char *path) {
    const char *slash = strrchr(path, '/');
    char *dir = slash ? honeM_alloc((size_t)(slash - path) + 2, 1) : NULL;
    if (slash && !dir) return;
    if (dir) memcpy(dir, path, slash == path ? 1 : (size_t)(slash - path)); /* "/x" is in "/" */
    int fd = open(dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    honeM_free(dir);
}
