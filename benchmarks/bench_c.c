/* The C side of benchmarks/bench_system.py: N sequential calls of one
 * operation through clibdocker's C API, timed with clock_gettime (wall) and
 * getrusage (this process's user+sys CPU). Prints one JSON line.
 *
 *   bench_c N OP [URL]     OP: ping | version | info | image
 *
 * One untimed call first opens the connection (the loops of the Python
 * clients are warmed the same way). Built by bench_system.py against
 * build-bench/libclibdocker_static.a; -DDK_BENCH_HAVE_IMAGE_INSPECT when the
 * library has dk_image_inspect(). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include <clibdocker/clibdocker.h>

#define IMAGE "clibdocker-test/busybox:latest"

static int one(dk_client *c, const char *op)
{
	dk_value *v = NULL;
	int rc;

	if (!strcmp(op, "ping"))
		return dk_system_ping(c);
	if (!strcmp(op, "version"))
		rc = dk_system_version(&v, c, 1);
	else if (!strcmp(op, "info"))
		rc = dk_system_info(&v, c);
#ifdef DK_BENCH_HAVE_IMAGE_INSPECT
	else if (!strcmp(op, "image"))
		rc = dk_image_inspect(&v, c, IMAGE);
#endif
	else
		return 1;
	dk_value_free(v);
	return rc;
}

static double tv_s(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	dk_client *c = NULL;
	struct timespec t0, t1;
	struct rusage r0, r1;
	long i, n;
	const char *op;
	double wall, cpu;
	int rc;

	if (argc < 3 || (n = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: %s N ping|version|info|image [URL]\n", argv[0]);
		return 2;
	}
	op = argv[2];
	if ((rc = dk_client_new(&c, argc > 3 ? argv[3] : NULL)) != 0 ||
	    (rc = dk_client_set_api_version(c, "1.41")) != 0)
		goto fail;
	rc = one(c, op);
	if (rc == 1) {
		fprintf(stderr, "bench_c: unknown or unavailable operation '%s'\n", op);
		dk_client_free(c);
		return 2;
	}
	if (rc)
		goto fail;
	getrusage(RUSAGE_SELF, &r0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		if ((rc = one(c, op)) != 0)
			goto fail;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &r1);
	wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cpu = tv_s(r1.ru_utime) - tv_s(r0.ru_utime) + tv_s(r1.ru_stime) - tv_s(r0.ru_stime);
	printf("{\"client\": \"c\", \"op\": \"%s\", \"n\": %ld, \"wall_s\": %.6f, "
		"\"cpu_s\": %.6f, \"calls_per_s\": %.1f, \"cpu_us_per_call\": %.2f}\n",
		op, n, wall, cpu, (double)n / wall, cpu / (double)n * 1e6);
	dk_client_free(c);
	return 0;
fail:
	fprintf(stderr, "bench_c: %s: %s: %s\n", op, dk_error_name(rc), dk_error_last()->message);
	dk_client_free(c);
	return 1;
}
