/* The build context tar writer (see tarctx_int.h). */
#define _GNU_SOURCE
#include "tarctx_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clibdocker/errors.h"
#include "buf_int.h"
#include "errors_int.h"

struct frame {
	char *prefix;   /* "" or "dir/sub/" */
	char **names;
	size_t n, i;
};

/* A file given in memory (dk__tarctx_add_mem). */
struct memfile {
	char *name;
	char *data;
	size_t len;
};

struct dk_tarctx {
	char *root;
	dk_ignore *ig;
	char **keep;
	size_t nkeep;
	struct memfile *mem;   /* sent after the walk, replacing same-named files */
	size_t nmem, mem_next;
	const char *mem_src;   /* in-memory file being sent, or NULL */
	struct frame *st;
	size_t depth, cap;
	int started;

	dkbuf hdr;        /* pending header bytes */
	size_t hdr_off;
	int fd;           /* file being sent, or -1 */
	uint64_t remain;  /* file bytes still to send */
	size_t pad;       /* zero bytes after the file */
	int trailer;      /* the two zero blocks were queued */
	int err;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void frame_free(struct frame *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
	free(f->prefix);
	memset(f, 0, sizeof(*f));
}

static int push_dir(dk_tarctx *t, const char *rel)
{
	dkbuf path = DKBUF_INIT;
	struct frame f = {0};
	struct dirent *de;
	size_t cap = 0;
	DIR *d;
	int rc = 0;

	if (dkbuf_printf(&path, "%s/%s", t->root, rel))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	d = opendir(path.ptr);
	if (!d) {
		rc = dk__err(DK_EINVAL, 0, 0, "build context: cannot read directory %s: %s",
			path.ptr, strerror(errno));
		dkbuf_dispose(&path);
		return rc;
	}
	dkbuf_dispose(&path);
	f.prefix = malloc(strlen(rel) + 2);
	if (!f.prefix)
		goto nomem;
	if (*rel)
		sprintf(f.prefix, "%s/", rel);
	else
		f.prefix[0] = '\0';
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (f.n == cap) {
			char **nn;
			cap = cap ? cap * 2 : 32;
			nn = realloc(f.names, cap * sizeof(*nn));
			if (!nn)
				goto nomem;
			f.names = nn;
		}
		if (!(f.names[f.n] = strdup(de->d_name)))
			goto nomem;
		f.n++;
	}
	closedir(d);
	d = NULL;
	if (f.n)
		qsort(f.names, f.n, sizeof(*f.names), cmp_names);
	if (t->depth == t->cap) {
		struct frame *ns;
		size_t nc = t->cap ? t->cap * 2 : 8;
		ns = realloc(t->st, nc * sizeof(*ns));
		if (!ns)
			goto nomem;
		t->st = ns;
		t->cap = nc;
	}
	t->st[t->depth++] = f;
	return 0;
nomem:
	if (d)
		closedir(d);
	frame_free(&f);
	return dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

static int kept(const dk_tarctx *t, const char *rel, int as_dir)
{
	size_t i, l = strlen(rel);

	for (i = 0; i < t->nkeep; i++) {
		if (!strcmp(t->keep[i], rel))
			return 1;
		if (as_dir && !strncmp(t->keep[i], rel, l) && t->keep[i][l] == '/')
			return 1;
	}
	return 0;
}

static int replaced(const dk_tarctx *t, const char *rel)
{
	size_t i;

	for (i = 0; i < t->nmem; i++)
		if (!strcmp(t->mem[i].name, rel))
			return 1;
	return 0;
}

static void octal(char *field, size_t width, uint64_t v)
{
	/* width-1 octal digits and a NUL (callers keep v in range) */
	size_t i = width - 1;

	field[i] = '\0';
	while (i > 0) {
		field[--i] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

static int pax_record(dkbuf *b, const char *key, const char *val)
{
	/* "%d %s=%s\n" where %d counts the whole record, itself included */
	size_t base = strlen(key) + strlen(val) + 3, n = base + 1, d;

	for (;;) {
		char tmp[32];
		d = (size_t)snprintf(tmp, sizeof(tmp), "%zu", n);
		if (base + d == n)
			break;
		n = base + d;
	}
	return dkbuf_printf(b, "%zu %s=%s\n", n, key, val);
}

static int put_header(dkbuf *out, const char *name, char type, uint64_t size,
	unsigned mode, int64_t mtime, const char *link)
{
	char h[512];
	unsigned sum = 0;
	size_t i, nl = strlen(name), ll = link ? strlen(link) : 0, split = 0;
	int need_pax = 0;

	memset(h, 0, sizeof(h));
	/* ustar name: up to 100 bytes, or prefix (155) + '/' + name (100) */
	if (nl > 100) {
		for (i = nl - 1; i > 0; i--) {
			if (name[i] == '/' && i <= 155 && nl - i - 1 <= 100 && nl - i - 1 > 0) {
				split = i;
				break;
			}
		}
		if (!split)
			need_pax = 1;
	}
	if (ll > 100 || size > 077777777777ULL)
		need_pax = 1;
	if (need_pax) {
		dkbuf pax = DKBUF_INIT;
		char sz[32];
		int rc = 0;
		if (nl > 100 && !split)
			rc |= pax_record(&pax, "path", name);
		if (ll > 100)
			rc |= pax_record(&pax, "linkpath", link);
		if (size > 077777777777ULL) {
			snprintf(sz, sizeof(sz), "%llu", (unsigned long long)size);
			rc |= pax_record(&pax, "size", sz);
		}
		if (rc || put_header(out, "././@PaxHeader", 'x', pax.len, 0644, mtime, NULL) ||
		    dkbuf_put(out, pax.ptr, pax.len)) {
			dkbuf_dispose(&pax);
			return -1;
		}
		for (i = pax.len % 512; i && i < 512; i++)
			if (dkbuf_putc(out, '\0')) {
				dkbuf_dispose(&pax);
				return -1;
			}
		dkbuf_dispose(&pax);
	}
	if (split) {
		memcpy(h + 345, name, split);
		memcpy(h, name + split + 1, nl - split - 1);
	} else {
		memcpy(h, name, nl > 100 ? 100 : nl);
	}
	octal(h + 100, 8, mode & 07777);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	octal(h + 124, 12, size > 077777777777ULL ? 0 : size);
	octal(h + 136, 12, mtime < 0 ? 0 : (uint64_t)mtime);
	h[156] = type;
	if (link)
		memcpy(h + 157, link, ll > 100 ? 100 : ll);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	h[155] = ' ';
	return dkbuf_put(out, h, sizeof(h));
}

/* Queue the next entry's header (and open its file). 1: queued, 0: no
 * more entries, <0: error. */
static int next_entry(dk_tarctx *t)
{
	struct frame *f;
	struct stat st;
	dkbuf path = DKBUF_INIT, rel = DKBUF_INIT;
	int rc, excluded;

	if (!t->started) {
		t->started = 1;
		if ((rc = push_dir(t, "")))
			return rc;
	}
	while (t->depth) {
		f = &t->st[t->depth - 1];
		if (f->i >= f->n) {
			frame_free(f);
			t->depth--;
			continue;
		}
		dkbuf_clear(&rel);
		dkbuf_clear(&path);
		if (dkbuf_printf(&rel, "%s%s", f->prefix, f->names[f->i++]) ||
		    dkbuf_printf(&path, "%s/%s", t->root, rel.ptr))
			goto nomem;
		if (lstat(path.ptr, &st) != 0) {
			if (errno == ENOENT)  /* gone meanwhile */
				continue;
			rc = dk__err(DK_EINVAL, 0, 0, "build context: %s: %s", path.ptr, strerror(errno));
			goto out;
		}
		excluded = dk__ignore_excluded(t->ig, rel.ptr) && !kept(t, rel.ptr, 0);
		if (S_ISDIR(st.st_mode)) {
			if (excluded && !dk__ignore_dir_has_exceptions(t->ig, rel.ptr) &&
			    !kept(t, rel.ptr, 1))
				continue;
			if (!excluded) {
				if (dkbuf_putc(&rel, '/') ||
				    put_header(&t->hdr, rel.ptr, '5', 0, st.st_mode, st.st_mtime, NULL))
					goto nomem;
				rel.ptr[--rel.len] = '\0';
			}
			rc = push_dir(t, rel.ptr);
			if (rc)
				goto out;
			if (excluded)
				continue;
			rc = 1;
			goto out;
		}
		if (excluded || replaced(t, rel.ptr))
			continue;
		if (S_ISLNK(st.st_mode)) {
			char target[4097];
			ssize_t n = readlink(path.ptr, target, sizeof(target) - 1);
			if (n < 0) {
				rc = dk__err(DK_EINVAL, 0, 0, "build context: %s: %s", path.ptr, strerror(errno));
				goto out;
			}
			target[n] = '\0';
			if (put_header(&t->hdr, rel.ptr, '2', 0, st.st_mode, st.st_mtime, target))
				goto nomem;
			rc = 1;
			goto out;
		}
		if (!S_ISREG(st.st_mode))
			continue;  /* sockets, fifos, devices: not sent */
		t->fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
		if (t->fd < 0) {
			rc = dk__err(DK_EINVAL, 0, 0, "build context: cannot read %s: %s",
				path.ptr, strerror(errno));
			goto out;
		}
		if (put_header(&t->hdr, rel.ptr, '0', (uint64_t)st.st_size, st.st_mode, st.st_mtime, NULL))
			goto nomem;
		t->remain = (uint64_t)st.st_size;
		t->pad = (size_t)((512 - st.st_size % 512) % 512);
		rc = 1;
		goto out;
	}
	if (t->mem_next < t->nmem) {
		const struct memfile *m = &t->mem[t->mem_next++];
		if (put_header(&t->hdr, m->name, '0', (uint64_t)m->len, 0644, (int64_t)time(NULL), NULL))
			goto nomem;
		t->mem_src = m->data;
		t->remain = (uint64_t)m->len;
		t->pad = (512 - m->len % 512) % 512;
		rc = 1;
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
out:
	dkbuf_dispose(&path);
	dkbuf_dispose(&rel);
	return rc;
}

int64_t dk__tarctx_read(void *ctx, char *buf, size_t len)
{
	dk_tarctx *t = ctx;
	size_t got = 0, n;
	ssize_t r;
	int rc;

	if (t->err)
		return t->err;
	while (got < len) {
		if (t->hdr_off < t->hdr.len) {
			n = t->hdr.len - t->hdr_off;
			if (n > len - got)
				n = len - got;
			memcpy(buf + got, t->hdr.ptr + t->hdr_off, n);
			t->hdr_off += n;
			got += n;
			continue;
		}
		if (t->hdr.len) {
			dkbuf_clear(&t->hdr);
			t->hdr_off = 0;
		}
		if (t->remain) {
			n = len - got;
			if (n > t->remain)
				n = (size_t)t->remain;
			if (t->fd >= 0) {
				do {
					r = read(t->fd, buf + got, n);
				} while (r < 0 && errno == EINTR);
				if (r < 0) {
					t->err = dk__err(DK_EINVAL, 0, 0, "build context: read: %s", strerror(errno));
					return t->err;
				}
				if (r == 0) {  /* the file shrank: pad with zeros */
					close(t->fd);
					t->fd = -1;
					continue;
				}
				n = (size_t)r;
			} else if (t->mem_src) {
				memcpy(buf + got, t->mem_src, n);
				t->mem_src += n;
			} else {
				memset(buf + got, 0, n);
			}
			got += n;
			t->remain -= n;
			continue;
		}
		t->mem_src = NULL;
		if (t->fd >= 0) {
			close(t->fd);
			t->fd = -1;
		}
		if (t->pad) {
			n = len - got < t->pad ? len - got : t->pad;
			memset(buf + got, 0, n);
			got += n;
			t->pad -= n;
			continue;
		}
		if (t->trailer)
			break;
		rc = next_entry(t);
		if (rc < 0) {
			t->err = rc;
			return rc;
		}
		if (rc == 0) {
			t->trailer = 1;
			t->pad = 1024;
		}
	}
	return (int64_t)got;
}

void dk__tarctx_free(dk_tarctx *t)
{
	size_t i;

	if (!t)
		return;
	while (t->depth)
		frame_free(&t->st[--t->depth]);
	free(t->st);
	if (t->fd >= 0)
		close(t->fd);
	for (i = 0; i < t->nkeep; i++)
		free(t->keep[i]);
	free(t->keep);
	for (i = 0; i < t->nmem; i++) {
		free(t->mem[i].name);
		free(t->mem[i].data);
	}
	free(t->mem);
	dk__ignore_free(t->ig);
	dkbuf_dispose(&t->hdr);
	free(t->root);
	free(t);
}

void dk__tarctx_free_v(void *t)
{
	dk__tarctx_free(t);
}

int dk__tarctx_open(dk_tarctx **out, const char *dir, dk_ignore *ignore,
	const char *const *keep, size_t nkeep)
{
	dk_tarctx *t;
	struct stat st;
	size_t i;

	*out = NULL;
	if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		dk__ignore_free(ignore);
		return dk__err(DK_EINVAL, 0, 0, "build context: %s is not a directory", dir ? dir : "(null)");
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		dk__ignore_free(ignore);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	t->fd = -1;
	t->ig = ignore;
	t->root = strdup(dir);
	t->keep = calloc(nkeep ? nkeep : 1, sizeof(char *));
	if (!t->root || !t->keep)
		goto nomem;
	for (i = 0; i < nkeep; i++) {
		if (!keep[i])
			continue;
		if (!(t->keep[t->nkeep] = strdup(keep[i])))
			goto nomem;
		dk__path_clean(t->keep[t->nkeep]);
		t->nkeep++;
	}
	*out = t;
	return 0;
nomem:
	dk__tarctx_free(t);
	return dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

int dk__tarctx_add_mem(dk_tarctx *t, const char *name, const char *data, size_t len)
{
	struct memfile *nm, *m;

	if (t->started)
		return dk__err(DK_EINVAL, 0, 0, "build context: already being read");
	nm = realloc(t->mem, (t->nmem + 1) * sizeof(*nm));
	if (!nm)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	t->mem = nm;
	m = &t->mem[t->nmem];
	m->name = strdup(name);
	m->data = malloc(len ? len : 1);
	if (!m->name || !m->data) {
		free(m->name);
		free(m->data);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	if (len)
		memcpy(m->data, data, len);
	m->len = len;
	dk__path_clean(m->name);
	t->nmem++;
	return 0;
}
