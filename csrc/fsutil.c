/* The fsutil sender's directory walk (see fsutil_int.h). */
#include "fsutil_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "clibdocker/errors.h"
#include "dockerignore_int.h"
#include "errors_int.h"

#define NOMEM() dk__err(DK_ENOMEM, 0, 0, "out of memory")

typedef struct frame {
	char **names;
	size_t n, i;
	size_t rel_len;      /* length of this directory's path in w->rel */
	int sent;            /* its Stat went out (the root counts as sent) */
	int all;             /* included whole: every entry inside is taken */
	struct stat st;      /* for a lazily sent directory */
} frame;

struct dk_fswalk {
	dkbuf root;
	dkbuf rel;           /* the current entry's relative path */
	dkbuf disk;          /* root + "/" + a path, for the caller */
	dkbuf out_path;      /* the path of the entry handed out */
	dkbuf link;
	frame *st;           /* the stack of open directories */
	size_t depth, cap;
	dk_ignore *ig;       /* excludes, or NULL */
	char **incl;         /* cleaned include patterns + follow paths, or NULL */
	size_t nincl;
	int keep_owner;
	/* an entry waiting while its unsent parents go first */
	int held;
	struct stat held_st;
	size_t held_rel_len;
	int done;
};

uint32_t dk_fs_mode_from_unix(unsigned m)
{
	uint32_t mode = m & 0777;

	switch (m & S_IFMT) {
	case S_IFDIR: mode |= DK_FS_MODE_DIR; break;
	case S_IFLNK: mode |= DK_FS_MODE_SYMLINK; break;
	case S_IFBLK: mode |= DK_FS_MODE_DEVICE; break;
	case S_IFCHR: mode |= DK_FS_MODE_DEVICE | DK_FS_MODE_CHARDEV; break;
	case S_IFIFO: mode |= DK_FS_MODE_PIPE; break;
	case S_IFSOCK: mode |= DK_FS_MODE_SOCKET; break;
	default: break;
	}
	if (m & S_ISUID)
		mode |= DK_FS_MODE_SETUID;
	if (m & S_ISGID)
		mode |= DK_FS_MODE_SETGID;
	if (m & S_ISVTX)
		mode |= DK_FS_MODE_STICKY;
	return mode;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(frame *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
	f->names = NULL;
	f->n = f->i = 0;
}

/* disk = root [+ "/" + rel[0..len]] */
static int disk_path(dk_fswalk *w, size_t len)
{
	dkbuf_clear(&w->disk);
	if (dkbuf_put(&w->disk, w->root.ptr, w->root.len) ||
	    (len && (dkbuf_putc(&w->disk, '/') || dkbuf_put(&w->disk, w->rel.ptr, len))))
		return NOMEM();
	return 0;
}

/* Open the directory at rel[0..rel_len] as a new frame. */
static int push_dir(dk_fswalk *w, size_t rel_len, int sent, int all, const struct stat *st)
{
	DIR *d;
	struct dirent *e;
	frame *f;
	int rc;

	if (w->depth == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 16;
		frame *ns = realloc(w->st, nc * sizeof(*ns));
		if (!ns)
			return NOMEM();
		w->st = ns;
		w->cap = nc;
	}
	if ((rc = disk_path(w, rel_len)))
		return rc;
	d = opendir(w->disk.ptr);
	if (!d)
		return dk__err(DK_EINVAL, 0, 0, "cannot read directory %s: %s", w->disk.ptr, strerror(errno));
	f = &w->st[w->depth];
	memset(f, 0, sizeof(*f));
	f->rel_len = rel_len;
	f->sent = sent;
	f->all = all;
	if (st)
		f->st = *st;
	{
		size_t cap = 0;
		while ((errno = 0, e = readdir(d))) {
			char *name;
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (f->n == cap) {
				size_t nc = cap ? cap * 2 : 32;
				char **nn = realloc(f->names, nc * sizeof(*nn));
				if (!nn)
					goto nomem;
				f->names = nn;
				cap = nc;
			}
			if (!(name = strdup(e->d_name)))
				goto nomem;
			f->names[f->n++] = name;
		}
		if (errno) {
			rc = dk__err(DK_EINVAL, 0, 0, "cannot read directory %s: %s", w->disk.ptr, strerror(errno));
			closedir(d);
			free_names(f);
			return rc;
		}
	}
	closedir(d);
	if (f->n > 1)
		qsort(f->names, f->n, sizeof(*f->names), cmp_names);
	w->depth++;
	return 0;
nomem:
	closedir(d);
	free_names(f);
	return NOMEM();
}

/* the number of '/'-separated components */
static size_t ncomp(const char *s)
{
	size_t n = *s ? 1 : 0;

	for (; *s; s++)
		if (*s == '/')
			n++;
	return n;
}

/* 1 if `pat` may match something strictly inside directory `dir` */
static int may_match_inside(const char *pat, const char *dir)
{
	size_t k = ncomp(dir), i;
	const char *p = pat;
	char buf[4096];
	size_t len;

	for (i = 0; i < k; i++) {
		const char *slash = strchr(p, '/');
		size_t cl = slash ? (size_t)(slash - p) : strlen(p);
		if (cl == 2 && !strncmp(p, "**", 2))
			return 1;
		if (!slash)
			return 0; /* the pattern is no deeper than dir */
		p = slash + 1;
	}
	if (!strncmp(p, "**", 2))
		return 1;
	len = (size_t)(p - pat) - 1; /* first k components, without the '/' */
	if (len >= sizeof(buf))
		return 1;
	memcpy(buf, pat, len);
	buf[len] = '\0';
	return dk__ignore_match(buf, dir) == 1;
}

static int included(const dk_fswalk *w, const char *path)
{
	size_t i;

	for (i = 0; i < w->nincl; i++)
		if (dk__ignore_match(w->incl[i], path) == 1)
			return 1;
	return 0;
}

static int may_include_inside(const dk_fswalk *w, const char *dir)
{
	size_t i;

	for (i = 0; i < w->nincl; i++)
		if (may_match_inside(w->incl[i], dir))
			return 1;
	return 0;
}

static int fill_stat(dk_fswalk *w, dk_fs_stat *s, const struct stat *st, size_t rel_len)
{
	memset(s, 0, sizeof(*s));
	dkbuf_clear(&w->out_path);
	if (dkbuf_put(&w->out_path, w->rel.ptr, rel_len))
		return NOMEM();
	s->path = w->out_path.ptr;
	s->path_len = rel_len;
	s->mode = dk_fs_mode_from_unix(st->st_mode) & ~DK_FS_MODE_SOCKET;
	s->uid = w->keep_owner ? st->st_uid : 0;
	s->gid = w->keep_owner ? st->st_gid : 0;
	s->mod_time = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	if (!S_ISDIR(st->st_mode))
		s->size = st->st_size;
	if (S_ISBLK(st->st_mode) || S_ISCHR(st->st_mode)) {
		s->devmajor = major(st->st_rdev);
		s->devminor = minor(st->st_rdev);
	}
	if (disk_path(w, rel_len))
		return NOMEM();
	if (S_ISLNK(st->st_mode)) {
		ssize_t n;
		dkbuf_clear(&w->link);
		if (dkbuf_grow(&w->link, 4096))
			return NOMEM();
		n = readlink(w->disk.ptr, w->link.ptr, 4095);
		if (n < 0)
			return dk__err(DK_EINVAL, 0, 0, "readlink %s: %s", w->disk.ptr, strerror(errno));
		w->link.len = (size_t)n;
		w->link.ptr[n] = '\0';
		s->linkname = w->link.ptr;
		s->linkname_len = (size_t)n;
	}
	return 0;
}

/* Hand out the first unsent parent, or the held entry: 1, or 0 if none. */
static int flush_held(dk_fswalk *w, dk_fs_stat *s, const char **disk)
{
	size_t j;
	int rc;

	for (j = 1; j < w->depth; j++) {
		if (!w->st[j].sent) {
			w->st[j].sent = 1;
			if ((rc = fill_stat(w, s, &w->st[j].st, w->st[j].rel_len)))
				return rc;
			*disk = w->disk.ptr;
			return 1;
		}
	}
	if (!w->held)
		return 0;
	w->held = 0;
	if ((rc = fill_stat(w, s, &w->held_st, w->held_rel_len)))
		return rc;
	*disk = w->disk.ptr;
	return 1;
}

int dk_fswalk_next(dk_fswalk *w, dk_fs_stat *s, const char **disk)
{
	int rc;

	if (!w || !s || !disk)
		return dk__err(DK_EINVAL, 0, 0, "dk_fswalk_next: NULL argument");
	if (w->held)
		return flush_held(w, s, disk);
	while (w->depth && !w->done) {
		frame *f = &w->st[w->depth - 1];
		struct stat st;
		const char *name;
		size_t rel_len;
		int take, descend = 0, all;

		if (f->i == f->n) {
			free_names(f);
			w->depth--;
			continue;
		}
		name = f->names[f->i++];
		w->rel.len = f->rel_len;
		w->rel.ptr[w->rel.len] = '\0';
		if ((f->rel_len && dkbuf_putc(&w->rel, '/')) || dkbuf_puts(&w->rel, name))
			return NOMEM();
		rel_len = w->rel.len;
		if ((rc = disk_path(w, rel_len)))
			return rc;
		if (lstat(w->disk.ptr, &st) < 0) {
			if (errno == ENOENT)
				continue; /* removed while we walk */
			return dk__err(DK_EINVAL, 0, 0, "lstat %s: %s", w->disk.ptr, strerror(errno));
		}
		take = 1;
		all = f->all;
		if (w->ig && dk__ignore_excluded(w->ig, w->rel.ptr)) {
			take = 0;
			descend = S_ISDIR(st.st_mode) && dk__ignore_dir_has_exceptions(w->ig, w->rel.ptr);
		}
		if (take && w->nincl && !all) {
			if (included(w, w->rel.ptr)) {
				all = 1;
			} else {
				take = 0;
				descend = S_ISDIR(st.st_mode) && may_include_inside(w, w->rel.ptr);
			}
		}
		if (S_ISDIR(st.st_mode) && (take || descend)) {
			if ((rc = push_dir(w, rel_len, take && !w->held, all, &st)))
				return rc;
			/* the frame's `sent` is set by the output below or lazily */
			w->st[w->depth - 1].sent = 0;
			if (!take)
				continue;
		} else if (!take) {
			continue;
		}
		/* this entry goes out, after its unsent parents */
		w->held = 1;
		w->held_st = st;
		w->held_rel_len = rel_len;
		if (S_ISDIR(st.st_mode))
			w->st[w->depth - 1].sent = 1; /* the held entry is this frame's Stat */
		return flush_held(w, s, disk);
	}
	return 0;
}

static char *clean_pattern(const char *p)
{
	char *c = strdup(p), *q;

	if (!c)
		return NULL;
	dk__path_clean(c);
	q = c;
	while (*q == '/')
		q++;
	if (q != c)
		memmove(c, q, strlen(q) + 1);
	return c;
}

/* Append a pattern to w->incl. */
static int incl_push(dk_fswalk *w, char *pat, size_t *cap)
{
	size_t i;

	for (i = 0; i < w->nincl; i++)
		if (!strcmp(w->incl[i], pat)) {
			free(pat);
			return 0;
		}
	if (w->nincl == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		char **n = realloc(w->incl, nc * sizeof(*n));
		if (!n) {
			free(pat);
			return NOMEM();
		}
		w->incl = n;
		*cap = nc;
	}
	w->incl[w->nincl++] = pat;
	return 0;
}

/* Follow paths through symlinks, as fsutil does: when `path` or one of its
 * parents is a symlink inside the root, its target (resolved inside the
 * root, an absolute target taken from the root) with the rest of the path
 * is followed too, so the engine can resolve the link. */
static int follow_links(dk_fswalk *w, const char *path, size_t *cap, int depth)
{
	char cur[4096], link[4096], next[8192];
	const char *p = path;
	size_t len = 0;
	struct stat st;

	if (depth > 40)
		return 0; /* a loop: the engine will say so */
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t cl = slash ? (size_t)(slash - p) : strlen(p);
		ssize_t n;
		char *target;

		if (len + cl + 2 >= sizeof(cur))
			return 0;
		if (len)
			cur[len++] = '/';
		memcpy(cur + len, p, cl);
		len += cl;
		cur[len] = '\0';
		if (snprintf(link, sizeof(link), "%s/%s", w->root.ptr, cur) >= (int)sizeof(link) ||
		    lstat(link, &st) < 0)
			return 0;
		if (S_ISLNK(st.st_mode)) {
			char tgt[4096];
			n = readlink(link, tgt, sizeof(tgt) - 1);
			if (n <= 0)
				return 0;
			tgt[n] = '\0';
			if (tgt[0] == '/')
				snprintf(next, sizeof(next), "%s%s%s", tgt, slash ? "/" : "", slash ? slash + 1 : "");
			else {
				/* relative to the link's directory */
				char *dirend = strrchr(cur, '/');
				size_t dl = dirend ? (size_t)(dirend - cur) : 0;
				snprintf(next, sizeof(next), "%.*s%s%s%s%s", (int)dl, cur, dl ? "/" : "", tgt,
					slash ? "/" : "", slash ? slash + 1 : "");
			}
			{
				/* the link itself is sent too (the receiver recreates it) */
				char *self = strdup(cur);
				int rc2 = self ? incl_push(w, self, cap) : NOMEM();
				if (rc2)
					return rc2;
			}
			if (!(target = clean_pattern(next)))
				return NOMEM();
			if (!strcmp(target, "..") || !strncmp(target, "../", 3) || !*target ||
			    !strcmp(target, ".")) {
				free(target); /* outside the root: nothing to send */
				return 0;
			}
			{
				char *copy = strdup(target);
				int rc;
				if (!copy) {
					free(target);
					return NOMEM();
				}
				if ((rc = incl_push(w, target, cap))) {
					free(copy);
					return rc;
				}
				rc = follow_links(w, copy, cap, depth + 1);
				free(copy);
				return rc;
			}
		}
		if (!S_ISDIR(st.st_mode))
			return 0;
		if (!slash)
			break;
		p = slash + 1;
	}
	return 0;
}

int dk_fswalk_new(dk_fswalk **out, const char *root, const dk_fswalk_options *o)
{
	dk_fswalk *w;
	struct stat st;
	int rc;
	size_t i, n = 0;

	*out = NULL;
	if (!root || !*root)
		return dk__err(DK_EINVAL, 0, 0, "no directory to send");
	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
		return dk__err(DK_EINVAL, 0, 0, "%s is not a directory", root);
	w = calloc(1, sizeof(*w));
	if (!w)
		return NOMEM();
	if (dkbuf_puts(&w->root, root) || dkbuf_puts(&w->rel, ""))
		goto nomem;
	while (w->root.len > 1 && w->root.ptr[w->root.len - 1] == '/')
		w->root.ptr[--w->root.len] = '\0';
	if (o) {
		w->keep_owner = o->keep_owner;
		if (o->excludes && o->excludes[0]) {
			dkbuf text = DKBUF_INIT;
			for (i = 0; o->excludes[i]; i++)
				if (dkbuf_puts(&text, o->excludes[i]) || dkbuf_putc(&text, '\n')) {
					dkbuf_dispose(&text);
					goto nomem;
				}
			rc = dk__ignore_parse(&w->ig, text.ptr, text.len);
			dkbuf_dispose(&text);
			if (rc)
				goto fail;
		}
		for (i = 0; o->includes && o->includes[i]; i++)
			n++;
		for (i = 0; o->followpaths && o->followpaths[i]; i++)
			n++;
		if (n) {
			size_t k = 0;
			if (!(w->incl = calloc(n, sizeof(char *))))
				goto nomem;
			for (i = 0; o->includes && o->includes[i]; i++)
				if (!(w->incl[k++] = clean_pattern(o->includes[i])))
					goto nomem;
			for (i = 0; o->followpaths && o->followpaths[i]; i++)
				if (!(w->incl[k++] = clean_pattern(o->followpaths[i])))
					goto nomem;
			w->nincl = n;
			{
				/* the follow paths are the last ones; their links' targets
				 * are appended (the loop does not visit those again: the
				 * recursion already followed them) */
				size_t cap = n, first = n;
				for (i = 0; o->followpaths && o->followpaths[i]; i++)
					first--;
				for (i = first; i < n; i++) {
					char *fp = strdup(w->incl[i]);
					if (!fp)
						goto nomem;
					rc = follow_links(w, fp, &cap, 0);
					free(fp);
					if (rc)
						goto fail;
				}
			}
		}
	}
	if ((rc = push_dir(w, 0, 1, 0, NULL)))
		goto fail;
	w->st[0].sent = 1;
	*out = w;
	return 0;
nomem:
	rc = NOMEM();
fail:
	dk_fswalk_free(w);
	return rc;
}

void dk_fswalk_free(dk_fswalk *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->depth; i++)
		free_names(&w->st[i]);
	free(w->st);
	for (i = 0; i < w->nincl; i++)
		free(w->incl[i]);
	free(w->incl);
	dk__ignore_free(w->ig);
	dkbuf_dispose(&w->root);
	dkbuf_dispose(&w->rel);
	dkbuf_dispose(&w->disk);
	dkbuf_dispose(&w->out_path);
	dkbuf_dispose(&w->link);
	free(w);
}
