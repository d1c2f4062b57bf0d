/* Save or load one image through the C API; prints JSON with the time,
 * bytes and peak RSS. Built and run by bench_images.py. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long maxrss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	dk_client *c = NULL;
	dk_stream *s = NULL;
	uint64_t n = 0;
	long base;
	double t0;
	int fd, rc;

	if (argc != 4 || (strcmp(argv[1], "save") && strcmp(argv[1], "load"))) {
		fprintf(stderr, "usage: %s save|load IMAGE FILE\n", argv[0]);
		return 2;
	}
	if (dk_client_new_from_env(&c) || dk_system_ping(c)) {
		fprintf(stderr, "%s\n", dk_error_last()->message);
		return 1;
	}
	base = maxrss_kb();
	t0 = now();
	if (!strcmp(argv[1], "save")) {
		fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		rc = dk_image_get(&s, c, argv[2]);
		if (!rc)
			rc = dk_stream_copy_fd(s, fd, &n);
	} else {
		const char *d;
		size_t len;
		fd = open(argv[3], O_RDONLY);
		rc = dk_image_load(&s, c, dk_read_fd, &fd, 1);
		while (!rc && (rc = dk_stream_next(s, &d, &len)) == 1)
			;
		n = (uint64_t)lseek(fd, 0, SEEK_CUR);
	}
	close(fd);
	dk_stream_free(s);
	if (rc < 0) {
		fprintf(stderr, "%s\n", dk_error_last()->message);
		return 1;
	}
	printf("{\"seconds\": %.3f, \"bytes\": %llu, \"base_rss_kb\": %ld, \"peak_rss_kb\": %ld}\n",
		now() - t0, (unsigned long long)n, base, maxrss_kb());
	dk_client_free(c);
	return 0;
}
