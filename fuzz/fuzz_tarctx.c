/* libFuzzer target: the build-context tar writer over a synthetic tree.
 * Input: .dockerignore text, a NUL byte, one byte choosing the read size,
 * then records (kind, name length, name bytes, two size bytes) that become
 * files, directories, symlinks and fifos in a scratch directory (names
 * mapped to a small alphabet with '/', dot segments avoided; up to 255
 * bytes so that ustar prefix splits and pax headers are exercised).
 * Properties: the output is whole 512-byte blocks ending in two zero
 * blocks; every header has ustar magic, a right checksum and a known type;
 * names (ustar prefix/name or pax path) and link targets (or pax linkpath)
 * are the relative paths and targets created, each once; file contents
 * come back byte for byte; fifos are never sent; an entry is sent exactly
 * when it is not excluded (Dockerfile and .dockerignore always are) and no
 * excluded parent directory was skipped (an excluded directory is walked
 * only if an exception may match inside it, as the Docker CLI does). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockerignore_int.h"
#include "tarctx_int.h"

#define MAXOBJ 64

struct obj {
	char name[300];
	int kind;          /* 0 file, 1 dir, 2 symlink, 3 fifo */
	size_t size;       /* file size */
	char target[400];  /* symlink */
	int seen;
};

static char g_root[64];
static struct obj g_obj[MAXOBJ + 2];
static size_t g_n;

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	if (f->level > 0)
		remove(p);
	return 0;
}

static void cleanup(void)
{
	if (g_root[0]) {
		nftw(g_root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
		rmdir(g_root);
	}
}

static unsigned char content_byte(const struct obj *o, size_t i)
{
	return (unsigned char)(o->name[0] + i * 7 + (i >> 9));
}

static struct obj *find(const char *name)
{
	size_t i;
	for (i = 0; i < g_n; i++)
		if (!strcmp(g_obj[i].name, name))
			return &g_obj[i];
	return NULL;
}

/* mkdir -p for the parents of rel; each becomes a dir object */
static int parents(const char *rel)
{
	char tmp[300], path[400];
	char *s;

	snprintf(tmp, sizeof(tmp), "%s", rel);
	for (s = strchr(tmp, '/'); s; s = strchr(s + 1, '/')) {
		struct obj *o;
		*s = '\0';
		o = find(tmp);
		if (o && o->kind != 1)
			return -1;
		if (!o) {
			if (g_n >= MAXOBJ + 2)
				return -1;
			snprintf(path, sizeof(path), "%s/%s", g_root, tmp);
			if (mkdir(path, 0755))
				return -1;
			o = &g_obj[g_n++];
			memset(o, 0, sizeof(*o));
			snprintf(o->name, sizeof(o->name), "%s", tmp);
			o->kind = 1;
		}
		*s = '/';
	}
	return 0;
}

static void make(const char *rel, int kind, size_t size, const char *target)
{
	char path[400];
	struct obj *o;
	size_t i;
	int fd;

	if (!*rel || find(rel) || parents(rel) || g_n >= MAXOBJ + 2)
		return;
	snprintf(path, sizeof(path), "%s/%s", g_root, rel);
	o = &g_obj[g_n];
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", rel);
	o->kind = kind;
	switch (kind) {
	case 0:
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			return;
		o->size = size;
		{
			unsigned char *b = malloc(size + 1);
			for (i = 0; i < size; i++)
				b[i] = content_byte(o, i);
			if (write(fd, b, size) != (ssize_t)size)
				abort();
			free(b);
		}
		close(fd);
		break;
	case 1:
		if (mkdir(path, 0755))
			return;
		break;
	case 2:
		snprintf(o->target, sizeof(o->target), "%s", target);
		if (symlink(target, path))
			return;
		break;
	default:
		if (mkfifo(path, 0644))
			return;
		break;
	}
	g_n++;
}

static uint64_t oct(const unsigned char *f, size_t w)
{
	uint64_t v = 0;
	size_t i;
	for (i = 0; i < w && f[i]; i++) {
		if (f[i] == ' ')
			continue;
		if (f[i] < '0' || f[i] > '7')
			abort();
		v = v * 8 + (f[i] - '0');
	}
	return v;
}

/* the pax record value for key, or NULL */
static char *pax_get(const unsigned char *p, size_t n, const char *key)
{
	size_t off = 0, kl = strlen(key);
	while (off < n) {
		char *end;
		unsigned long len = strtoul((const char *)p + off, &end, 10);
		const char *sp = end;
		if (*sp != ' ' || len == 0 || off + len > n || p[off + len - 1] != '\n')
			abort();
		if (!strncmp(sp + 1, key, kl) && sp[1 + kl] == '=') {
			const char *v = sp + 2 + kl;
			return strndup(v, (size_t)((const char *)p + off + len - 1 - v));
		}
		off += len;
	}
	return NULL;
}

static int expected(dk_ignore *ig, const struct obj *o)
{
	char tmp[300], *s;
	int is_keep = !strcmp(o->name, "Dockerfile") || !strcmp(o->name, ".dockerignore");

	if (o->kind == 3)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s", o->name);
	for (s = strchr(tmp, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (dk__ignore_excluded(ig, tmp) && !dk__ignore_dir_has_exceptions(ig, tmp))
			return 0;
		*s = '/';
	}
	return is_keep || !dk__ignore_excluded(ig, o->name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data, *nul = memchr(d, '\0', size);
	static const char alpha[] = "abcDEF._-/xyz01/";
	const char *keep[2] = {"Dockerfile", ".dockerignore"};
	size_t tlen = nul ? (size_t)(nul - d) : size, pos, chunk, i, outlen = 0, cap = 1 << 16;
	unsigned char *out;
	dk_ignore *ig = NULL, *ig2 = NULL;
	dk_tarctx *t = NULL;
	int64_t r;
	char path[400];

	if (!g_root[0]) {
		snprintf(g_root, sizeof(g_root), "/tmp/fuzz_tarctx.XXXXXX");
		if (!mkdtemp(g_root))
			abort();
		atexit(cleanup);
	}
	nftw(g_root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	g_n = 0;
	if (dk__ignore_parse(&ig, d, tlen))
		return 0;
	dk__ignore_parse(&ig2, d, tlen);
	pos = nul ? tlen + 1 : size;
	chunk = pos < size ? (size_t)data[pos++] * 37 + 1 : 4096;
	/* the Dockerfile and the .dockerignore */
	make("Dockerfile", 0, 20, NULL);
	snprintf(path, sizeof(path), "%s/.dockerignore", g_root);
	{
		FILE *f = fopen(path, "w");
		fwrite(d, 1, tlen, f);
		fclose(f);
		g_obj[g_n].kind = 0;
		snprintf(g_obj[g_n].name, sizeof(g_obj[g_n].name), ".dockerignore");
		g_obj[g_n].size = (size_t)-1; /* content not checked */
		g_obj[g_n].seen = 0;
		g_n++;
	}
	while (pos + 2 <= size && g_n < MAXOBJ) {
		int kind = data[pos] & 3;
		size_t nl = data[pos + 1], fsz;
		char name[300], target[400];
		size_t w = 0;
		if (pos + 2 + nl + 2 > size)
			break;
		for (i = 0; i < nl; i++) {
			char c = alpha[data[pos + 2 + i] % (sizeof(alpha) - 1)];
			if (c == '/' && (w == 0 || name[w - 1] == '/'))
				continue;
			name[w++] = c;
		}
		while (w && name[w - 1] == '/')
			w--;
		name[w] = '\0';
		/* no "." or ".." components */
		for (i = 0; i < w; i++)
			if (name[i] == '.' && (i == 0 || name[i - 1] == '/'))
				name[i] = 'p';
		fsz = ((size_t)data[pos + 2 + nl] << 8 | data[pos + 3 + nl]) * ((data[pos] >> 2) + 1);
		if (fsz > 200000)
			fsz = 200000;
		/* a link target: the name repeated up to some length */
		for (i = 0; i < (fsz % 390); i++)
			target[i] = w ? name[i % w] : 't';
		target[i] = '\0';
		if (!target[0])
			snprintf(target, sizeof(target), "t");
		pos += 4 + nl;
		if (strlen(name) > 255)
			continue;
		make(name, kind, fsz, target);
	}

	if (dk__tarctx_open(&t, g_root, ig, keep, 2))
		abort();
	out = malloc(cap);
	for (;;) {
		if (outlen + chunk > cap) {
			cap = (outlen + chunk) * 2;
			out = realloc(out, cap);
		}
		r = dk__tarctx_read(t, (char *)out + outlen, chunk);
		if (r < 0)
			abort();
		if (r == 0)
			break;
		outlen += (size_t)r;
	}
	dk__tarctx_free(t);

	/* parse it */
	if (outlen % 512 || outlen < 1024)
		abort();
	for (i = outlen - 1024; i < outlen; i++)
		if (out[i])
			abort();
	{
		size_t off = 0;
		char *pax_path = NULL, *pax_link = NULL;
		while (off + 512 <= outlen - 1024) {
			const unsigned char *h = out + off;
			unsigned sum = 0, want;
			uint64_t sz;
			char name[600];
			struct obj *o;
			size_t k;

			for (k = 0; k < 512; k++)
				sum += (k >= 148 && k < 156) ? ' ' : h[k];
			want = (unsigned)oct(h + 148, 8);
			if (sum != want || memcmp(h + 257, "ustar\0" "00", 8))
				abort();
			sz = oct(h + 124, 12);
			if (h[156] == 'x') {
				if (off + 512 + sz > outlen)
					abort();
				free(pax_path);
				free(pax_link);
				pax_path = pax_get(out + off + 512, sz, "path");
				pax_link = pax_get(out + off + 512, sz, "linkpath");
				off += 512 + (sz + 511) / 512 * 512;
				continue;
			}
			if (pax_path) {
				snprintf(name, sizeof(name), "%s", pax_path);
			} else if (h[345]) {
				snprintf(name, sizeof(name), "%.155s/%.100s", (const char *)h + 345,
					(const char *)h);
			} else {
				snprintf(name, sizeof(name), "%.100s", (const char *)h);
			}
			if (h[156] == '5') {
				size_t l = strlen(name);
				if (!l || name[l - 1] != '/')
					abort();
				name[l - 1] = '\0';
			}
			o = find(name);
			if (!o || o->seen)
				abort(); /* unknown or twice */
			o->seen = 1;
			switch (h[156]) {
			case '0':
				if (o->kind != 0 || (o->size != (size_t)-1 && sz != o->size))
					abort();
				if (off + 512 + sz > outlen - 1024)
					abort();
				if (o->size != (size_t)-1)
					for (k = 0; k < sz; k++)
						if (out[off + 512 + k] != content_byte(o, k))
							abort();
				off += 512 + (sz + 511) / 512 * 512;
				break;
			case '5':
				if (o->kind != 1 || sz)
					abort();
				off += 512;
				break;
			case '2': {
				char link[400];
				if (o->kind != 2)
					abort();
				if (pax_link)
					snprintf(link, sizeof(link), "%s", pax_link);
				else
					snprintf(link, sizeof(link), "%.100s", (const char *)h + 157);
				if (strcmp(link, o->target))
					abort();
				off += 512;
				break;
			}
			default:
				abort();
			}
			free(pax_path);
			free(pax_link);
			pax_path = pax_link = NULL;
		}
		if (off != outlen - 1024 || pax_path || pax_link)
			abort();
	}
	for (i = 0; i < g_n; i++)
		if (g_obj[i].seen != expected(ig2, &g_obj[i]))
			abort();
	dk__ignore_free(ig2);
	free(out);
	return 0;
}
