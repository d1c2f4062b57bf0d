/* libFuzzer target: .dockerignore parsing and matching.
 * Input: the .dockerignore text, a NUL byte, then paths one per line.
 * Properties: parsing never crashes and either succeeds or fails with
 * DK_EINVAL and a message; dk__path_clean is idempotent and leaves no "//",
 * "/./" or trailing '/'; a pattern matches with 1, 0 or -1 only; "**" after
 * the patterns excludes every path; the patterns followed by the same
 * patterns as exceptions exclude nothing; without exceptions, an excluded
 * path's children are excluded too; a pattern free of metacharacters
 * matches its own cleaned text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clibdocker/errors.h"
#include "dockerignore_int.h"

static void check_clean(const char *p)
{
	char *a = strdup(p), *b;
	size_t n;

	dk__path_clean(a);
	b = strdup(a);
	dk__path_clean(b);
	n = strlen(a);
	if (strcmp(a, b) || n == 0 || strstr(a, "//") || strstr(a, "/./") ||
	    (n > 1 && a[n - 1] == '/') || !strncmp(a, "./", 2) || (n >= 2 && !strcmp(a + n - 2, "/.")))
		abort();
	free(a);
	free(b);
}

/* text with every non-comment line turned into an exception */
static char *as_exceptions(const char *text, size_t len, size_t *olen)
{
	char *o = malloc(2 * len + 2), *w = o;
	size_t i = 0;

	while (i < len) {
		size_t s = i;
		size_t t = i;
		while (i < len && text[i] != '\n')
			i++;
		while (t < i && (text[t] == ' ' || (text[t] >= '\t' && text[t] <= '\r')))
			t++;
		if (t < i && text[t] != '#') /* comments stay comments */
			*w++ = '!';
		memcpy(w, text + s, i - s);
		w += i - s;
		*w++ = '\n';
		if (i < len)
			i++;
	}
	*olen = (size_t)(w - o);
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data, *nul = memchr(d, '\0', size);
	size_t tlen = nul ? (size_t)(nul - d) : size, i, elen;
	char *text = malloc(tlen + 4), *both, *exc, *paths, *line, *save = NULL;
	dk_ignore *ig = NULL, *all = NULL, *none = NULL;
	int rc, has_exc;

	memcpy(text, d, tlen);
	text[tlen] = '\0';
	rc = dk__ignore_parse(&ig, text, tlen);
	if (rc) {
		if (rc != DK_EINVAL || ig || dk_error_last()->code != DK_EINVAL || !*dk_error_last()->message)
			abort();
		free(text);
		return 0;
	}
	has_exc = memchr(text, '!', tlen) != NULL;
	/* the patterns, then "**" */
	memcpy(text + tlen, "\n**", 4);
	if (dk__ignore_parse(&all, text, tlen + 3))
		abort();
	/* the patterns, then each of them again as an exception */
	exc = as_exceptions(text, tlen, &elen);
	both = malloc(tlen + 1 + elen + 1);
	memcpy(both, text, tlen);
	both[tlen] = '\n';
	memcpy(both + tlen + 1, exc, elen);
	if (dk__ignore_parse(&none, both, tlen + 1 + elen))
		abort();

	paths = malloc(size - tlen + 1);
	memcpy(paths, nul ? nul + 1 : "", nul ? size - tlen - 1 : 0);
	paths[nul ? size - tlen - 1 : 0] = '\0';
	for (line = strtok_r(paths, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t pl = strlen(line);
		char *p = malloc(pl + 8);
		int e;

		check_clean(line);
		memcpy(p, line, pl + 1);
		dk__path_clean(p);
		if (!strcmp(p, ".") || p[0] == '/' || !strncmp(p, "../", 3) || !strcmp(p, "..")) {
			free(p);
			continue; /* not a context-relative path */
		}
		e = dk__ignore_excluded(ig, p);
		if ((e != 0 && e != 1) || dk__ignore_excluded(all, p) != 1)
			abort();
		/* an exception for every pattern cancels it; a pattern that is
		 * cleaned to something else, or starts with '!' already, may not */
		if (!has_exc && dk__ignore_excluded(none, p) != 0)
			abort();
		if (!has_exc && e) {
			strcat(p, "/child");
			if (dk__ignore_excluded(ig, p) != 1)
				abort();
		}
		(void)dk__ignore_dir_has_exceptions(ig, p);
		free(p);
	}
	/* single patterns against themselves */
	for (i = 0; i < tlen;) {
		size_t s = i;
		char *pat;
		int m;
		while (i < tlen && text[i] != '\n')
			i++;
		pat = strndup(text + s, i - s);
		if (i < tlen)
			i++;
		m = dk__ignore_match(pat, pat);
		if (m < -1 || m > 1)
			abort();
		if (!strpbrk(pat, "*?[\\") && *pat && pat[0] != '/' && m != 1)
			abort();
		free(pat);
	}
	dk__ignore_free(ig);
	dk__ignore_free(all);
	dk__ignore_free(none);
	free(text);
	free(exc);
	free(both);
	free(paths);
	return 0;
}
