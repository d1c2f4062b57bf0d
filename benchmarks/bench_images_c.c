/* Save or load one image through the C API against URL; prints one JSON line
 * with the wall time, the client's CPU time (user+sys, getrusage), the bytes
 * moved and the growth of the peak RSS over the transfer. Built and run by
 * bench_images.py:
 *
 *     bench_images_c URL save IMAGE FILE   (dk_image_get + dk_stream_copy_fd)
 *     bench_images_c URL load IMAGE FILE   (dk_image_load from dk_read_fd)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* A field of /proc/self/status, in kB (VmRSS, VmHWM). */
static long status_kb(const char *field)
{
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Reset the peak RSS to the current RSS (Linux >= 4.0): 1 if it worked. */
static int reset_hwm(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	int ok;

	if (!f)
		return 0;
	ok = fputs("5", f) >= 0;
	return fclose(f) == 0 && ok;
}

int main(int argc, char **argv)
{
	dk_client *c = NULL;
	dk_stream *s = NULL;
	uint64_t n = 0;
	long rss0, hwm0;
	double t0, c0, wall, cpu;
	int fd, rc, reset;

	if (argc != 5 || (strcmp(argv[2], "save") && strcmp(argv[2], "load"))) {
		fprintf(stderr, "usage: %s URL save|load IMAGE FILE\n", argv[0]);
		return 2;
	}
	if (dk_client_new(&c, argv[1]) || dk_client_set_api_version(c, "1.41") ||
	    dk_system_ping(c)) {
		fprintf(stderr, "%s\n", dk_error_last()->message);
		return 1;
	}
	if (!strcmp(argv[2], "save"))
		fd = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	else
		fd = open(argv[4], O_RDONLY);
	if (fd < 0) {
		perror(argv[4]);
		return 1;
	}
	hwm0 = status_kb("VmHWM");
	reset = reset_hwm();
	rss0 = status_kb("VmRSS");
	c0 = cpu_s();
	t0 = now();
	if (!strcmp(argv[2], "save")) {
		rc = dk_image_get(&s, c, argv[3]);
		if (!rc)
			rc = dk_stream_copy_fd(s, fd, &n);
	} else {
		const char *d;
		size_t len;
		rc = dk_image_load(&s, c, dk_read_fd, &fd, 1);
		while (!rc && (rc = dk_stream_next(s, &d, &len)) == 1)
			;
		n = (uint64_t)lseek(fd, 0, SEEK_CUR);
	}
	wall = now() - t0;
	cpu = cpu_s() - c0;
	close(fd);
	dk_stream_free(s);
	if (rc < 0) {
		fprintf(stderr, "%s\n", dk_error_last()->message);
		return 1;
	}
	printf("{\"wall\": %.6f, \"cpu\": %.6f, \"bytes\": %llu, \"rss_growth_kb\": %ld, "
		"\"hwm_kb\": %ld}\n", wall, cpu, (unsigned long long)n,
		status_kb("VmHWM") - (reset ? rss0 : hwm0), status_kb("VmHWM"));
	dk_client_free(c);
	return 0;
}
