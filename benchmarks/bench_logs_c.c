/* The C side of benchmarks/bench_logs.py: read a container's logs through
 * clibdocker's C API, demultiplexed (dk_stream_next_batch, merged runs),
 * counting stdout and stderr bytes. Prints one JSON line with wall and CPU
 * time.
 *
 *   bench_logs_c URL CONTAINER [frames|batch]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include <clibdocker/clibdocker.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	dk_client *c = NULL;
	dk_stream *s = NULL;
	dk_logs_options o;
	const char *d;
	const dk_stream_run *runs;
	size_t n, nruns, i;
	unsigned long long out = 0, err = 0, pieces = 0;
	int rc, id, frames = argc > 3 && !strcmp(argv[3], "frames");
	double t0, c0;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_logs_c URL CONTAINER [frames|batch]\n");
		return 2;
	}
	if (dk_client_new(&c, argv[1]) || dk_client_set_api_version(c, "1.41"))
		return 1;
	dk_logs_options_init(&o);
	o.tty = 0;
	t0 = now();
	c0 = cpu();
	rc = dk_container_logs(&s, c, argv[2], &o);
	if (rc) {
		fprintf(stderr, "%s\n", dk_error_last()->message);
		return 1;
	}
	if (frames) {
		while ((rc = dk_stream_next_frame(s, &id, &d, &n)) == 1) {
			*(id == DK_STDERR ? &err : &out) += n;
			pieces++;
		}
	} else {
		while ((rc = dk_stream_next_batch(s, 1, &d, &n, &runs, &nruns)) == 1)
			for (i = 0; i < nruns; i++) {
				*(runs[i].stream_id == DK_STDERR ? &err : &out) += runs[i].len;
				pieces++;
			}
	}
	if (rc) {
		fprintf(stderr, "%s\n", dk_error_last()->message);
		return 1;
	}
	dk_stream_free(s);
	printf("{\"wall\": %.6f, \"cpu\": %.6f, \"stdout\": %llu, \"stderr\": %llu, \"pieces\": %llu}\n",
		now() - t0, cpu() - c0, out, err, pieces);
	dk_client_free(c);
	return 0;
}
