/* The fsutil receiver (see fsutil_int.h): what a BuildKit `type=local`
 * output sends us over FileSend/DiffCopy, written under a directory. */
#include "fsutil_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "clibdocker/errors.h"
#include "errors_int.h"

#define NOMEM() dk__err(DK_ENOMEM, 0, 0, "out of memory")

typedef struct rfile {
	char *path;     /* relative, cleaned */
	uint32_t mode;
	int64_t mtime;
	int fd;         /* open while DATA arrives, else -1 */
	int pending;    /* requested, not complete */
} rfile;

struct dk_fsrecv {
	char *dest;
	rfile *files;   /* by Stat index (NULL path: not a file we asked for) */
	size_t nfiles, cap;
	uint32_t next;  /* the next Stat's index */
	size_t outstanding;
	int walk_done, fin_sent;
	uint64_t bytes;
};

int dk_fsrecv_new(dk_fsrecv **out, const char *dest)
{
	dk_fsrecv *r;
	struct stat st;

	*out = NULL;
	if (!dest || !*dest)
		return dk__err(DK_EINVAL, 0, 0, "no output directory");
	if (mkdir(dest, 0755) < 0 && errno != EEXIST)
		return dk__err(DK_EINVAL, 0, 0, "cannot create %s: %s", dest, strerror(errno));
	if (stat(dest, &st) < 0 || !S_ISDIR(st.st_mode))
		return dk__err(DK_EINVAL, 0, 0, "%s is not a directory", dest);
	r = calloc(1, sizeof(*r));
	if (!r || !(r->dest = strdup(dest))) {
		free(r);
		return NOMEM();
	}
	*out = r;
	return 0;
}

void dk_fsrecv_free(dk_fsrecv *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nfiles; i++) {
		if (r->files[i].fd >= 0 && r->files[i].path)
			close(r->files[i].fd);
		free(r->files[i].path);
	}
	free(r->files);
	free(r->dest);
	free(r);
}

uint64_t dk_fsrecv_bytes(const dk_fsrecv *r)
{
	return r ? r->bytes : 0;
}

/* A relative path with no "..", "." or empty component and no leading '/'. */
static int safe_path(const char *p, size_t n)
{
	size_t i = 0;

	if (!n || p[0] == '/' || memchr(p, '\0', n))
		return 0;
	while (i < n) {
		size_t j = i;
		while (j < n && p[j] != '/')
			j++;
		if (j == i || (j - i == 1 && p[i] == '.') || (j - i == 2 && p[i] == '.' && p[i + 1] == '.'))
			return 0;
		i = j + 1;
	}
	return p[n - 1] != '/';
}

/* 1 if no parent of rel under dest is a symlink (writes stay inside). */
static int parents_real(const char *dest, const char *rel)
{
	char buf[4096];
	const char *slash = rel;
	struct stat st;

	while ((slash = strchr(slash, '/'))) {
		int n = snprintf(buf, sizeof(buf), "%s/%.*s", dest, (int)(slash - rel), rel);
		if (n < 0 || (size_t)n >= sizeof(buf))
			return 0;
		if (lstat(buf, &st) < 0 || !S_ISDIR(st.st_mode))
			return 0;
		slash++;
	}
	return 1;
}

static int put_packet(dkbuf *out, int type, uint32_t id)
{
	dk_fs_packet p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.type = type;
	p.id = id;
	if ((rc = dk_grpc_put_prefix(out, dk_fs_packet_size(&p))))
		return rc;
	return dk_fs_packet_encode(out, &p);
}

static int maybe_fin(dk_fsrecv *r, dkbuf *out)
{
	if (r->walk_done && !r->outstanding && !r->fin_sent) {
		r->fin_sent = 1;
		return put_packet(out, DK_FS_FIN, 0);
	}
	return 0;
}

static void set_times(const char *path, int64_t ns, int nofollow)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = (time_t)(ns / 1000000000);
	ts[0].tv_nsec = ts[1].tv_nsec = (long)(ns % 1000000000);
	utimensat(AT_FDCWD, path, ts, nofollow ? AT_SYMLINK_NOFOLLOW : 0);
}

int dk_fsrecv_packet(dk_fsrecv *r, const dk_fs_packet *p, dkbuf *out)
{
	char full[4096];
	int rc, n;

	switch (p->type) {
	case DK_FS_STAT: {
		const dk_fs_stat *s = &p->stat;
		uint32_t id;
		if (!p->has_stat) {
			r->walk_done = 1;
			return maybe_fin(r, out);
		}
		id = r->next++;
		if (!safe_path(s->path, s->path_len))
			return dk__err(DK_EPROTO, 0, 0, "fsutil: unsafe path '%.*s' from the engine",
				(int)(s->path_len > 200 ? 200 : s->path_len), s->path);
		n = snprintf(full, sizeof(full), "%s/%.*s", r->dest, (int)s->path_len, s->path);
		if (n < 0 || (size_t)n >= sizeof(full))
			return dk__err(DK_EPROTO, 0, 0, "fsutil: path too long");
		if (!parents_real(r->dest, full + strlen(r->dest) + 1))
			return dk__err(DK_EPROTO, 0, 0, "fsutil: '%.*s' is not under a directory",
				(int)(s->path_len > 200 ? 200 : s->path_len), s->path);
		if (s->mode & DK_FS_MODE_DIR) {
			if (mkdir(full, (s->mode & 07777) | 0700) < 0 && errno != EEXIST)
				return dk__err(DK_EINVAL, 0, 0, "mkdir %s: %s", full, strerror(errno));
			return 0;
		}
		if (s->mode & DK_FS_MODE_SYMLINK) {
			char target[4096];
			snprintf(target, sizeof(target), "%.*s", (int)s->linkname_len, s->linkname ? s->linkname : "");
			unlink(full);
			if (symlink(target, full) < 0)
				return dk__err(DK_EINVAL, 0, 0, "symlink %s: %s", full, strerror(errno));
			set_times(full, s->mod_time, 1);
			return 0;
		}
		if (s->mode & DK_FS_MODE_TYPE)
			return 0; /* devices, pipes: not written */
		if (s->linkname_len) {
			/* a hard link to an earlier path of the walk */
			char old[4096];
			n = snprintf(old, sizeof(old), "%s/%.*s", r->dest, (int)s->linkname_len, s->linkname);
			if (!safe_path(s->linkname, s->linkname_len) || n < 0 || (size_t)n >= sizeof(old) ||
			    !parents_real(r->dest, old + strlen(r->dest) + 1))
				return dk__err(DK_EPROTO, 0, 0, "fsutil: unsafe hard link target from the engine");
			unlink(full);
			if (link(old, full) < 0)
				return dk__err(DK_EINVAL, 0, 0, "link %s: %s", full, strerror(errno));
			return 0;
		}
		if (id >= r->cap) {
			size_t nc = r->cap ? r->cap * 2 : 256;
			rfile *nf;
			while (nc <= id)
				nc *= 2;
			nf = realloc(r->files, nc * sizeof(*nf));
			if (!nf)
				return NOMEM();
			memset(nf + r->cap, 0, (nc - r->cap) * sizeof(*nf));
			r->files = nf;
			r->cap = nc;
		}
		if (id >= r->nfiles)
			r->nfiles = id + 1;
		if (!(r->files[id].path = strdup(full)))
			return NOMEM();
		/* created now, empty: a later hard link to it shares its inode */
		unlink(full);
		{
			int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
			if (fd < 0)
				return dk__err(DK_EINVAL, 0, 0, "open %s: %s", full, strerror(errno));
			close(fd);
		}
		r->files[id].mode = s->mode & 07777;
		r->files[id].mtime = s->mod_time;
		r->files[id].fd = -1;
		r->files[id].pending = 1;
		r->outstanding++;
		return put_packet(out, DK_FS_REQ, id);
	}
	case DK_FS_DATA: {
		rfile *f = p->id < r->nfiles ? &r->files[p->id] : NULL;
		if (!f || !f->path || !f->pending)
			return dk__err(DK_EPROTO, 0, 0, "fsutil: data for file %u not asked for", p->id);
		if (f->fd < 0) {
			f->fd = open(f->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
			if (f->fd < 0)
				return dk__err(DK_EINVAL, 0, 0, "open %s: %s", f->path, strerror(errno));
		}
		if (p->data_len) {
			const unsigned char *d = p->data;
			size_t left = p->data_len;
			while (left) {
				ssize_t w = write(f->fd, d, left);
				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0)
					return dk__err(DK_EINVAL, 0, 0, "write %s: %s", f->path, strerror(errno));
				d += w;
				left -= (size_t)w;
			}
			r->bytes += p->data_len;
			return 0;
		}
		fchmod(f->fd, f->mode);
		close(f->fd);
		f->fd = -1;
		f->pending = 0;
		set_times(f->path, f->mtime, 0);
		r->outstanding--;
		return maybe_fin(r, out);
	}
	case DK_FS_FIN:
		return 0;
	case DK_FS_ERR:
		return dk__err(DK_ESTREAM, 0, 0, "fsutil: error from the engine: %.*s",
			(int)(p->data_len > 400 ? 400 : p->data_len), (const char *)p->data);
	default:
		return 0; /* REQ: not for a receiver */
	}
	(void)rc;
}
