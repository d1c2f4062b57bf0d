/* .dockerignore matching, as the Docker CLI does it (see dockerignore_int.h). */
#include "dockerignore_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "clibdocker/errors.h"
#include "errors_int.h"

struct dk_pattern {
	char *text;     /* cleaned, without the '!' */
	int exception;
};

struct dk_ignore {
	struct dk_pattern *p;
	size_t n;
	int has_exceptions;
};

char *dk__path_clean(char *s)
{
	/* Go's filepath.Clean: collapse '//', drop '.', resolve '..' lexically,
	 * no trailing '/', "" -> "." */
	size_t r = 0, w = 0, n = strlen(s), dotdot = 0;
	int rooted = n > 0 && s[0] == '/';

	if (rooted) {
		r = w = 1;
		dotdot = 1;
	}
	while (r < n) {
		if (s[r] == '/') {
			r++;
		} else if (s[r] == '.' && (r + 1 == n || s[r + 1] == '/')) {
			r++;
		} else if (s[r] == '.' && s[r + 1] == '.' && (r + 2 == n || s[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && s[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					s[w++] = '/';
				s[w++] = '.';
				s[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				s[w++] = '/';
			while (r < n && s[r] != '/')
				s[w++] = s[r++];
		}
	}
	if (w == 0)
		s[w++] = '.';
	s[w] = '\0';
	return s;
}

/* A character class at p (just after '['): sets *end past ']' and returns
 * whether c is in it; -1 if the class is unclosed. */
static int class_match(const char *p, unsigned char c, const char **end)
{
	int neg = 0, hit = 0, first = 1;
	unsigned char lo, hi;

	if (*p == '^') {
		neg = 1;
		p++;
	}
	for (;;) {
		if (!*p)
			return -1;
		if (*p == ']' && !first)
			break;
		first = 0;
		if (*p == '\\') {
			p++;
			if (!*p)
				return -1;
		}
		lo = (unsigned char)*p++;
		hi = lo;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\') {
				p++;
				if (!*p)
					return -1;
			}
			hi = (unsigned char)*p++;
		}
		if (c >= lo && c <= hi)
			hit = 1;
	}
	*end = p + 1;
	return hit != neg;
}

/* Matching state: every (pattern offset, path offset) pair is tried at most
 * once (a bit set in `seen` once it was reached), so a match costs at most
 * O(len(pattern) * len(path)) steps however many stars there are. Without
 * it, backtracking over patterns like "*a*a*a*a*b" took exponential time. */
struct mstate {
	const char *p0, *s0;
	size_t slen1;           /* strlen(path) + 1 */
	unsigned char *seen;    /* NULL: no memo (allocation failed) */
};

static int seen_before(struct mstate *st, const char *p, const char *s)
{
	size_t i;

	if (!st->seen)
		return 0;
	i = (size_t)(p - st->p0) * st->slen1 + (size_t)(s - st->s0);
	if (st->seen[i / 8] & (1u << (i % 8)))
		return 1;
	st->seen[i / 8] |= (unsigned char)(1u << (i % 8));
	return 0;
}

static int match_here(struct mstate *st, const char *p, const char *s)
{
	const char *end, *pa;
	int m;

	for (;;) {
		/* a state reached before failed then (a success or an error
		 * ends the whole match), so it fails again */
		if (seen_before(st, p, s))
			return 0;
		switch (*p) {
		case '\0':
			return *s == '\0';
		case '*':
			if (p[1] == '*') {
				pa = p + 2;
				if (*pa == '/')
					pa++;
				if (!*pa)
					return 1;  /* "**" at the end: anything */
				/* nothing, or anything up to and including a slash */
				if ((m = match_here(st, pa, s)) != 0)
					return m;
				while (*s && *s != '/')
					s++;
				if (!*s)
					return 0;
				s++;     /* the same "**" after the slash */
				break;
			}
			/* nothing, or one more non-'/' byte for the same star */
			if ((m = match_here(st, p + 1, s)) != 0)
				return m;
			if (!*s || *s == '/')
				return 0;
			s++;
			break;
		case '?':
			if (!*s || *s == '/')
				return 0;
			p++;
			s++;
			break;
		case '[':
			if (!*s)
				return class_match(p + 1, 0, &end) < 0 ? -1 : 0;
			m = class_match(p + 1, (unsigned char)*s, &end);
			if (m <= 0)
				return m;
			p = end;
			s++;
			break;
		case '\\':
			if (p[1]) {
				p++;
			}
			/* a trailing backslash is a literal one */
			__attribute__((fallthrough));
		default:
			if (*p != *s)
				return 0;
			p++;
			s++;
			break;
		}
	}
}

static int match_path(const char *pattern, const char *path)
{
	struct mstate st;
	unsigned char small[512];
	size_t bits;
	int m;

	st.p0 = pattern;
	st.s0 = path;
	st.slen1 = strlen(path) + 1;
	bits = (strlen(pattern) + 1) * st.slen1;
	if (bits / 8 + 1 <= sizeof(small)) {
		st.seen = small;
		memset(small, 0, bits / 8 + 1);
	} else {
		st.seen = calloc(bits / 8 + 1, 1);
	}
	m = match_here(&st, pattern, path);
	if (st.seen != small)
		free(st.seen);
	return m;
}

int dk__ignore_match(const char *pattern, const char *path)
{
	return match_path(pattern, path);
}

static int check_pattern(const char *p)
{
	const char *end;

	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '[') {
			if (class_match(p + 1, 0, &end) < 0)
				return -1;
			p = end - 1;
		}
	}
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

void dk__ignore_free(dk_ignore *ig)
{
	size_t i;

	if (!ig)
		return;
	for (i = 0; i < ig->n; i++)
		free(ig->p[i].text);
	free(ig->p);
	free(ig);
}

int dk__ignore_parse(dk_ignore **out, const char *text, size_t len)
{
	dk_ignore *ig = calloc(1, sizeof(*ig));
	size_t i = 0, start, cap = 0;
	char *line, *s;
	int exc;

	*out = NULL;
	if (!ig)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	while (i < len) {
		start = i;
		while (i < len && text[i] != '\n')
			i++;
		line = malloc(i - start + 1);
		if (!line)
			goto nomem;
		memcpy(line, text + start, i - start);
		line[i - start] = '\0';
		if (i < len)
			i++;
		s = trim(line);
		if (!*s || *s == '#') {
			free(line);
			continue;
		}
		exc = 0;
		if (*s == '!') {
			exc = 1;
			s = trim(s + 1);
		}
		if (*s) {
			dk__path_clean(s);
			if (s[0] == '/' && s[1])
				s++;
		}
		if (check_pattern(s)) {
			int rc = dk__err(DK_EINVAL, 0, 0, ".dockerignore: bad pattern '%s'", s);
			free(line);
			dk__ignore_free(ig);
			return rc;
		}
		if (ig->n == cap) {
			struct dk_pattern *np;
			cap = cap ? cap * 2 : 16;
			np = realloc(ig->p, cap * sizeof(*np));
			if (!np) {
				free(line);
				goto nomem;
			}
			ig->p = np;
		}
		ig->p[ig->n].text = strdup(s);
		free(line);
		if (!ig->p[ig->n].text)
			goto nomem;
		ig->p[ig->n].exception = exc;
		ig->has_exceptions |= exc;
		ig->n++;
	}
	*out = ig;
	return 0;
nomem:
	dk__ignore_free(ig);
	return dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

int dk__ignore_excluded(const dk_ignore *ig, const char *path)
{
	size_t i, plen;
	int matched = 0, m;
	const char *slash;
	char *tmp;

	if (!ig || !ig->n)
		return 0;
	plen = strlen(path);
	tmp = malloc(plen + 1);
	if (!tmp)
		return 0;
	for (i = 0; i < ig->n; i++) {
		/* an inclusion already matched, or an exception not yet: skip */
		if (ig->p[i].exception != matched)
			continue;
		m = match_path(ig->p[i].text, path) > 0;
		/* or one of the parent directories */
		for (slash = strchr(path, '/'); !m && slash; slash = strchr(slash + 1, '/')) {
			memcpy(tmp, path, (size_t)(slash - path));
			tmp[slash - path] = '\0';
			m = match_path(ig->p[i].text, tmp) > 0;
		}
		if (m)
			matched = !ig->p[i].exception;
	}
	free(tmp);
	return matched;
}

int dk__ignore_dir_has_exceptions(const dk_ignore *ig, const char *dir)
{
	size_t i, dl = strlen(dir);

	if (!ig || !ig->has_exceptions)
		return 0;
	for (i = 0; i < ig->n; i++) {
		const char *t = ig->p[i].text;
		if (!ig->p[i].exception)
			continue;
		/* the CLI: strings.HasPrefix(pattern + "/", dir + "/") */
		if (!strncmp(t, dir, dl) && (t[dl] == '/' || t[dl] == '\0'))
			return 1;
	}
	return 0;
}
