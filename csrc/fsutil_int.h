/* The fsutil sender's directory walk (internal).
 *
 * Produces one entry at a time, in the order fsutil's receiver expects:
 * relative `/`-separated paths (the root itself is not an entry),
 * depth-first pre-order, the names of each directory sorted bytewise,
 * parents before their children. Filters, as fsutil applies them:
 *   - exclude patterns: .dockerignore semantics (dockerignore_int.h); an
 *     excluded directory is skipped unless an exception may match inside it,
 *     then it is walked and sent only if something in it is sent;
 *   - include patterns and follow paths: an entry is sent when a pattern
 *     matches it or one of its parents (so "src" takes "src/a/b"); a
 *     directory on the way to a possible match is walked and sent only if
 *     something in it is sent.
 * Each entry's Stat mirrors fsutil's: Go os.FileMode bits, modTime in ns,
 * size of regular files and symlinks (0 for directories), the symlink's
 * target, device numbers. uid/gid are reset to 0 as the Docker CLI does
 * for a build context. Memory: one sorted listing per directory level. */
#ifndef DK_FSUTIL_INT_H
#define DK_FSUTIL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "proto_int.h"

typedef struct dk_fswalk dk_fswalk;

typedef struct dk_fswalk_options {
	const char *const *includes;   /* NULL-terminated or NULL */
	const char *const *excludes;   /* .dockerignore lines */
	const char *const *followpaths;
	int keep_owner;                /* 1: real uid/gid instead of 0 */
} dk_fswalk_options;

/* DK_EINVAL if root is not a directory or a pattern is bad. */
int dk_fswalk_new(dk_fswalk **out, const char *root, const dk_fswalk_options *o);
/* 1: the next entry in *st (strings borrowed until the next call) and its
 * path on disk in *disk_path; 0: the walk is over; <0: an error (an
 * unreadable directory). */
int dk_fswalk_next(dk_fswalk *w, dk_fs_stat *st, const char **disk_path);
void dk_fswalk_free(dk_fswalk *w);

/* The receiving side (a `type=local` build output): STATs create
 * directories and symlinks and ask (REQ) for every regular file, DATA
 * writes them, and when the walk is over and every file complete a FIN is
 * queued. Paths are checked: relative, no "..", never below a symlink.
 * Packets to send back are appended to `out` gRPC-framed. */
typedef struct dk_fsrecv dk_fsrecv;
int dk_fsrecv_new(dk_fsrecv **out, const char *dest);
int dk_fsrecv_packet(dk_fsrecv *r, const dk_fs_packet *p, dkbuf *out);
uint64_t dk_fsrecv_bytes(const dk_fsrecv *r);
void dk_fsrecv_free(dk_fsrecv *r);

/* Go os.FileMode bits of a struct stat's st_mode. */
uint32_t dk_fs_mode_from_unix(unsigned st_mode);

#endif
