/* .dockerignore patterns (the Docker CLI's cases) and the build-context tar
 * writer, without an engine. */
#define _GNU_SOURCE
#include "dktest.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clibdocker/errors.h"
#include "dockerignore_int.h"
#include "tarctx_int.h"

struct mcase { const char *pattern, *path; int want; };

/* from moby/patternmatcher's TestMatches table */
static const struct mcase cases[] = {
	{"**", "file", 1}, {"**", "file/", 1}, {"**/", "file", 1}, {"**/", "file/", 1},
	{"**", "/", 1}, {"**/", "/", 1}, {"**", "dir/file", 1}, {"**/", "dir/file", 1},
	{"**", "dir/file/", 1}, {"**/", "dir/file/", 1}, {"**/**", "dir/file", 1},
	{"**/**", "dir/file/", 1}, {"dir/**", "dir/file", 1}, {"dir/**", "dir/file/", 1},
	{"dir/**", "dir/dir2/file", 1}, {"dir/**", "dir/dir2/file/", 1}, {"**/dir", "dir", 1},
	{"**/dir", "dir/file", 1}, {"**/dir2/*", "dir/dir2/file", 1},
	{"**/dir2/*", "dir/dir2/file/", 1}, {"**/dir2/**", "dir/dir2/dir3/file", 1},
	{"**/dir2/**", "dir/dir2/dir3/file/", 1}, {"**file", "file", 1},
	{"**file", "dir/file", 1}, {"**/file", "dir/file", 1}, {"**file", "dir/dir/file", 1},
	{"**/file", "dir/dir/file", 1}, {"**/file*", "dir/dir/file", 1},
	{"**/file*", "dir/dir/file.txt", 1}, {"**/file*txt", "dir/dir/file.txt", 1},
	{"**/file*.txt", "dir/dir/file.txt", 1}, {"**/file*.txt*", "dir/dir/file.txt", 1},
	{"**/**/*.txt", "dir/dir/file.txt", 1}, {"**/**/*.txt2", "dir/dir/file.txt", 0},
	{"**/*.txt", "file.txt", 1}, {"**/**/*.txt", "file.txt", 1},
	{"a**/*.txt", "a/file.txt", 1}, {"a**/*.txt", "a/dir/file.txt", 1},
	{"a**/*.txt", "a/dir/dir/file.txt", 1}, {"a/*.txt", "a/dir/file.txt", 0},
	{"a/*.txt", "a/file.txt", 1}, {"a/*.txt**", "a/file.txt", 1},
	{"a[b-d]e", "ae", 0}, {"a[b-d]e", "ace", 1}, {"a[b-d]e", "aae", 0},
	{"a[^b-d]e", "aze", 1}, {".*", ".foo", 1}, {".*", "foo", 0},
	{"abc.def", "abcdef", 0}, {"abc.def", "abc.def", 1}, {"abc.def", "abcZdef", 0},
	{"abc?def", "abcZdef", 1}, {"abc?def", "abcdef", 0}, {"a\\\\", "a\\", 1},
	{"**/foo/bar", "foo/bar", 1}, {"**/foo/bar", "dir/foo/bar", 1},
	{"**/foo/bar", "dir/dir2/foo/bar", 1}, {"abc/**", "abc", 0}, {"abc/**", "abc/def", 1},
	{"abc/**", "abc/def/ghi", 1}, {"**/.foo", ".foo", 1}, {"**/.foo", "bar.foo", 0},
	{"a(b)c/def", "a(b)c/def", 1}, {"a(b)c/def", "a(b)c/xyz", 0},
	{"a.|)$(}+{bc", "a.|)$(}+{bc", 1},
	{"dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
	 "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 1},
	{"dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 1},
	/* the CLI's single-pattern basics */
	{"*.go", "a.go", 1}, {"*.go", "dir/a.go", 0}, {"dir", "dir/sub/file", 1},
	{"/foo", "foo", 1}, {"/foo", "foo/bar", 1}, {"/foo", "a/foo", 0},
	{"foo/../bar", "bar", 1}, {"./foo", "foo", 1}, {"foo/", "foo/x", 1},
	{"[a-c]?", "b1", 1}, {"[a-c]?", "d1", 0}, {"\\*", "*", 1}, {"\\*", "x", 0},
};

static int excluded_by(const char *text, const char *path)
{
	dk_ignore *ig = NULL;
	char p[512];
	int r;

	if (dk__ignore_parse(&ig, text, strlen(text)) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s", path);
	dk__path_clean(p);
	r = dk__ignore_excluded(ig, p);
	dk__ignore_free(ig);
	return r;
}

static void test_patterns(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = excluded_by(cases[i].pattern, cases[i].path);
		if (got != cases[i].want)
			fprintf(stderr, "pattern %s path %s: want %d got %d\n", cases[i].pattern,
				cases[i].path, cases[i].want, got);
		CHECK(got == cases[i].want);
	}
}

static void test_files(void)
{
	dk_ignore *ig = NULL;

	/* exceptions, order, comments, blank lines, whitespace */
	CHECK(excluded_by("*\n!keep\n", "keep") == 0);
	CHECK(excluded_by("*\n!keep\n", "other") == 1);
	CHECK(excluded_by("docs\n!docs/README.md\n", "docs/a") == 1);
	CHECK(excluded_by("docs\n!docs/README.md\n", "docs/README.md") == 0);
	CHECK(excluded_by("**/*.log\n!important.log\n", "a/b.log") == 1);
	CHECK(excluded_by("**/*.log\n!important.log\n", "important.log") == 0);
	CHECK(excluded_by("*.md\n!README.md\nREADME.md\n", "README.md") == 1);
	CHECK(excluded_by("*.md\n!README.md\n", "README.md") == 0);
	CHECK(excluded_by("# comment\n\n   bar   \n", "bar") == 1);
	CHECK(excluded_by("# comment\n\n   bar   \n", "# comment") == 0);
	CHECK(excluded_by("\r\nfoo\r\n", "foo") == 1);
	CHECK(excluded_by("! keep\n*\n", "keep") == 1);   /* later rules win */
	CHECK(excluded_by("", "anything") == 0);
	CHECK(excluded_by("[", "x") == -1);
	CHECK(dk_error_last()->code == DK_EINVAL);
	CHECK(strstr(dk_error_last()->message, "bad pattern") != NULL);

	CHECK_RC(dk__ignore_parse(&ig, "docs\n!docs/keep/x\n", 18));
	CHECK(dk__ignore_dir_has_exceptions(ig, "docs") == 1);
	CHECK(dk__ignore_dir_has_exceptions(ig, "docs/keep") == 1);
	CHECK(dk__ignore_dir_has_exceptions(ig, "other") == 0);
	dk__ignore_free(ig);
	ig = NULL;
	CHECK_RC(dk__ignore_parse(&ig, "docs\n", 5));
	CHECK(dk__ignore_dir_has_exceptions(ig, "docs") == 0);
	dk__ignore_free(ig);
}

static void test_clean(void)
{
	static const char *const c[][2] = {
		{"", "."}, {"a//b", "a/b"}, {"./a/./b/", "a/b"}, {"a/../b", "b"}, {"../a", "../a"},
		{"/../a", "/a"}, {"a/b/../../..", ".."}, {"/", "/"}, {"abc", "abc"},
	};
	size_t i;
	char buf[64];

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", c[i][0]);
		dk__path_clean(buf);
		if (strcmp(buf, c[i][1]))
			fprintf(stderr, "clean(%s) = %s, want %s\n", c[i][0], buf, c[i][1]);
		CHECK(!strcmp(buf, c[i][1]));
	}
}

static void put_file(const char *dir, const char *rel, const char *content)
{
	char p[1024];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, content, strlen(content)) == (ssize_t)strlen(content));
		close(fd);
	}
}

/* Write the context to a file reading `chunk` bytes at a time; returns the
 * `tar -tf` listing. */
static char *make_tar(const char *dir, const char *out, size_t chunk, const char *dockerfile)
{
	dk_tarctx *t = NULL;
	dk_ignore *ig = NULL;
	const char *keep[2] = {dockerfile, ".dockerignore"};
	char *buf = malloc(chunk), cmd[1200], *list = calloc(1, 65536);
	int64_t n;
	int fd;
	FILE *p;
	size_t got = 0;
	char path[1024];
	int ifd;
	char text[4096];
	ssize_t tl = 0;

	snprintf(path, sizeof(path), "%s/.dockerignore", dir);
	ifd = open(path, O_RDONLY);
	if (ifd >= 0) {
		tl = read(ifd, text, sizeof(text));
		close(ifd);
	}
	CHECK_RC(dk__ignore_parse(&ig, text, tl > 0 ? (size_t)tl : 0));
	CHECK_RC(dk__tarctx_open(&t, dir, ig, keep, 2));
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	while ((n = dk__tarctx_read(t, buf, chunk)) > 0)
		CHECK(write(fd, buf, (size_t)n) == n);
	CHECK(n == 0);
	close(fd);
	dk__tarctx_free(t);
	free(buf);
	snprintf(cmd, sizeof(cmd), "tar -tf %s 2>&1 | sort", out);
	p = popen(cmd, "r");
	if (p) {
		got = fread(list, 1, 65535, p);
		pclose(p);
	}
	list[got] = '\0';
	return list;
}

static void test_tarctx(void)
{
	char tmpl[] = "/tmp/dk-tarctx-XXXXXX";
	char *dir = mkdtemp(tmpl), p[1024], tarp[1100], cmd[4096];
	char longdir[300], longname[400];
	static const size_t chunks[] = {1, 7, 511, 512, 4096, 65536};
	size_t i;
	char *first = NULL;

	CHECK(dir != NULL);
	if (!dir)
		return;
	snprintf(p, sizeof(p), "%s/sub", dir); mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sub/deep", dir); mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/ignored", dir); mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/build", dir); mkdir(p, 0755);
	put_file(dir, "Dockerfile", "FROM scratch\n");
	put_file(dir, "a.txt", "hello\n");
	put_file(dir, "b.log", "log\n");
	put_file(dir, "sub/c.txt", "c\n");
	put_file(dir, "sub/d.log", "d\n");
	put_file(dir, "sub/deep/e.log", "e\n");
	put_file(dir, "ignored/f", "f\n");
	put_file(dir, "build/Dockerfile.prod", "FROM scratch\n");
	put_file(dir, "build/other", "x\n");
	/* a long path: needs the ustar prefix field, and one that needs pax */
	memset(longdir, 'd', 120); longdir[120] = '\0';
	snprintf(p, sizeof(p), "%s/%s", dir, longdir); mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/f1", longdir);
	put_file(dir, p, "long1\n");
	memset(longname, 'n', 180); longname[180] = '\0';
	snprintf(p, sizeof(p), "%s/%s", longdir, longname);
	put_file(dir, p, "long2\n");
	snprintf(p, sizeof(p), "%s/link", dir);
	CHECK(symlink("a.txt", p) == 0);
	put_file(dir, ".dockerignore",
		"# build context rules\n**/*.log\n!sub/d.log\nignored\n/build\n.dockerignore\nDockerfile\n");

	snprintf(tarp, sizeof(tarp), "%s.tar", dir);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		char *l = make_tar(dir, tarp, chunks[i], "Dockerfile");
		if (!first) {
			first = l;
			continue;
		}
		CHECK(!strcmp(first, l));  /* the same archive whatever the read size */
		free(l);
	}
	CHECK(strstr(first, "Dockerfile\n") != NULL);      /* kept though ignored */
	CHECK(strstr(first, ".dockerignore\n") != NULL);   /* likewise */
	CHECK(strstr(first, "a.txt\n") != NULL);
	CHECK(strstr(first, "link\n") != NULL);
	CHECK(strstr(first, "\nb.log\n") == NULL);
	CHECK(strstr(first, "sub/c.txt\n") != NULL);
	CHECK(strstr(first, "sub/d.log\n") != NULL);       /* the exception */
	CHECK(strstr(first, "sub/deep/e.log") == NULL);
	CHECK(strstr(first, "ignored") == NULL);
	CHECK(strstr(first, "build/") == NULL);
	snprintf(p, sizeof(p), "%s/f1\n", longdir);
	CHECK(strstr(first, p) != NULL);
	snprintf(p, sizeof(p), "%s/%s\n", longdir, longname);
	CHECK(strstr(first, p) != NULL);
	if (dkt_failed)
		fprintf(stderr, "listing:\n%s\n", first);
	free(first);

	/* contents survive, checked by tar itself */
	snprintf(cmd, sizeof(cmd), "tar -xOf %s a.txt | grep -qx hello && "
		"tar -xOf %s %s/%s | grep -qx long2", tarp, tarp, longdir, longname);
	CHECK(system(cmd) == 0);

	/* a Dockerfile inside an excluded directory is still sent */
	first = make_tar(dir, tarp, 4096, "build/Dockerfile.prod");
	CHECK(strstr(first, "build/Dockerfile.prod\n") != NULL);
	CHECK(strstr(first, "build/other") == NULL);
	free(first);

	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", dir, tarp);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	test_patterns();
	test_files();
	test_clean();
	test_tarctx();
	DKT_DONE();
}
