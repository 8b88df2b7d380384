/* sync.c - fsync of the directory that holds a path, after a rename into it. */
#include "hone_internal.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

bool honeC_sync_directory(const char *path) {
    const char *slash = strrchr(path, '/');
    char *dir = slash ? honeM_alloc((size_t)(slash - path) + 2, 1) : NULL;
    if (slash && !dir) return false;
    if (dir) memcpy(dir, path, slash == path ? 1 : (size_t)(slash - path)); /* "/x" is in "/" */
    const int fd = open(dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    honeM_free(dir);
    if (fd < 0) return false;
    const bool synced = fsync(fd) == 0;
    close(fd);
    return synced;
}
