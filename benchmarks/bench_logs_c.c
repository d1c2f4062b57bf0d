/* The C side of benchmarks/bench_logs.py: read a container's logs through
 * clibdocker's C API, demultiplexed (dk_stream_next_batch, merged runs),
 * counting stdout and stderr bytes and summing every payload byte. Prints
 * one JSON line with wall and CPU time.
 *
 *   bench_logs_c URL CONTAINER [frames|batch]
 *   bench_logs_c unix:///PATH CONTAINER plain
 *   bench_logs_c URL CONTAINER inspect N
 *
 * `plain` is the baseline without clibdocker (no libcurl either): it opens
 * the unix socket itself, writes the GET by hand, reads the HTTP head,
 * decodes chunked transfer-encoding minimally and demultiplexes the 8-byte
 * frame headers, counting stdout/stderr bytes and summing every payload byte
 * (the "sum" field) so that it provably touches the data.
 * `inspect N` times N dk_container_inspect() calls (after one untimed call).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <errno.h>

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


/* The byte sum every logs mode computes over the payload it receives (so the
 * C rows do the same work on the data as the plain loop, and are checked). */
static unsigned long long bsum(const unsigned char *d, size_t n)
{
	unsigned long long k = 0;
	size_t i;
	for (i = 0; i < n; i++)
		k += d[i];
	return k;
}

/* --- the plain baseline: socket, hand-written request, chunked + frames ---- */

#define PBUF (1 << 18)

struct plain {
	int fd;
	unsigned char buf[PBUF];
	size_t pos, len;
	int eof;
};

static int p_fill(struct plain *p)
{
	ssize_t r;
	if (p->pos < p->len)
		return 1;
	if (p->eof)
		return 0;
	do
		r = read(p->fd, p->buf, PBUF);
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		p->eof = 1;
		return 0;
	}
	p->pos = 0;
	p->len = (size_t)r;
	return 1;
}

/* One byte of the raw connection, -1 at the end. */
static int p_byte(struct plain *p)
{
	return p_fill(p) ? p->buf[p->pos++] : -1;
}

/* One line (CRLF stripped) into line[cap]; -1 at the end. */
static int p_line(struct plain *p, char *line, size_t cap)
{
	size_t n = 0;
	int ch;
	while ((ch = p_byte(p)) >= 0 && ch != '\n')
		if (n + 1 < cap)
			line[n++] = (char)ch;
	if (ch < 0 && n == 0)
		return -1;
	while (n && line[n - 1] == '\r')
		n--;
	line[n] = 0;
	return 0;
}

/* The body layer: `chunked` or read to the end (Content-Length or close).
 * Hands out up to `want` contiguous body bytes. */
struct body {
	struct plain *p;
	int chunked;
	unsigned long long left; /* of the current chunk, or of the whole body */
	int done;
};

static size_t b_read(struct body *b, const unsigned char **d, size_t want)
{
	char line[64];
	size_t n;
	if (b->done)
		return 0;
	if (b->chunked && b->left == 0) {
		if (p_line(b->p, line, sizeof line) < 0 ||
		    (line[0] == 0 && p_line(b->p, line, sizeof line) < 0)) {
			b->done = 1; /* "\r\n" after the previous chunk, then the size */
			return 0;
		}
		b->left = strtoull(line, NULL, 16);
		if (b->left == 0) {
			b->done = 1;
			return 0;
		}
	}
	if (!p_fill(b->p)) {
		b->done = 1;
		return 0;
	}
	n = b->p->len - b->p->pos;
	if (n > want)
		n = want;
	if (n > b->left)
		n = (size_t)b->left;
	*d = b->p->buf + b->p->pos;
	b->p->pos += n;
	b->left -= n;
	return n;
}

static int plain_logs(const char *url, const char *id)
{
	static struct plain p;
	struct body b = {&p, 0, ~0ULL, 0};
	struct sockaddr_un sa;
	char req[512], line[1024], *q;
	const unsigned char *d;
	unsigned char hdr[8];
	size_t hn = 0, n;
	unsigned long long out = 0, err = 0, frames = 0, sum = 0, flen = 0;
	int sid = 0, status = 0;
	double t0, c0;

	if (strncmp(url, "unix://", 7))
		return fprintf(stderr, "plain: unix:// only\n"), 1;
	t0 = now();
	c0 = cpu();
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strncpy(sa.sun_path, url + 7, sizeof sa.sun_path - 1);
	p.fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (p.fd < 0 || connect(p.fd, (struct sockaddr *)&sa, sizeof sa))
		return perror("plain: connect"), 1;
	n = (size_t)snprintf(req, sizeof req,
			     "GET /v1.41/containers/%s/logs?stdout=1&stderr=1 HTTP/1.1\r\n"
			     "Host: docker\r\n\r\n", id);
	if (write(p.fd, req, n) != (ssize_t)n)
		return perror("plain: write"), 1;
	if (p_line(&p, line, sizeof line) < 0 || sscanf(line, "HTTP/%*s %d", &status) != 1 ||
	    status != 200)
		return fprintf(stderr, "plain: bad status line '%s'\n", line), 1;
	while (p_line(&p, line, sizeof line) == 0 && line[0]) {
		for (q = line; *q && *q != ':'; q++)
			*q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
		if (!strncmp(line, "transfer-encoding:", 18) && strstr(line + 18, "chunked"))
			b.chunked = 1, b.left = 0;
		else if (!strncmp(line, "content-length:", 15))
			b.left = strtoull(line + 15, NULL, 10);
	}
	for (;;) {
		if (flen == 0) { /* a frame header, possibly split across reads */
			while (hn < 8 && (n = b_read(&b, &d, 8 - hn)) > 0) {
				memcpy(hdr + hn, d, n);
				hn += n;
			}
			if (hn < 8)
				break;
			hn = 0;
			sid = hdr[0];
			flen = (unsigned long long)hdr[4] << 24 | hdr[5] << 16 | hdr[6] << 8 | hdr[7];
			frames++;
			continue;
		}
		n = b_read(&b, &d, flen > PBUF ? PBUF : (size_t)flen);
		if (n == 0)
			break;
		sum += bsum(d, n);
		*(sid == 2 ? &err : &out) += n;
		flen -= n;
	}
	close(p.fd);
	if (hn || flen)
		return fprintf(stderr, "plain: truncated frame\n"), 1;
	printf("{\"wall\": %.6f, \"cpu\": %.6f, \"stdout\": %llu, \"stderr\": %llu, \"pieces\": %llu, "
	       "\"sum\": %llu}\n", now() - t0, cpu() - c0, out, err, frames, sum);
	return 0;
}

static int inspect_loop(const char *url, const char *id, int n)
{
	dk_client *c = NULL;
	dk_value *v = NULL;
	double t0 = 0, c0 = 0;
	int i;

	if (dk_client_new(&c, url) || dk_client_set_api_version(c, "1.41"))
		return 1;
	for (i = -1; i < n; i++) {
		if (i == 0) {
			t0 = now();
			c0 = cpu();
		}
		if (dk_container_inspect(&v, c, id, 0)) {
			fprintf(stderr, "%s\n", dk_error_last()->message);
			return 1;
		}
		dk_value_free(v);
	}
	printf("{\"wall\": %.6f, \"cpu\": %.6f, \"calls\": %d}\n", now() - t0, cpu() - c0, n);
	dk_client_free(c);
	return 0;
}

int main(int argc, char **argv)
{
	dk_client *c = NULL;
	dk_stream *s = NULL;
	dk_logs_options o;
	const char *d;
	const dk_stream_run *runs;
	size_t n, nruns, i;
	unsigned long long out = 0, err = 0, pieces = 0, sum = 0;
	int rc, id, frames = argc > 3 && !strcmp(argv[3], "frames");
	double t0, c0;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_logs_c URL CONTAINER [frames|batch]\n");
		return 2;
	}
	if (argc > 3 && !strcmp(argv[3], "plain"))
		return plain_logs(argv[1], argv[2]);
	if (argc > 4 && !strcmp(argv[3], "inspect"))
		return inspect_loop(argv[1], argv[2], atoi(argv[4]));
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
			sum += bsum((const unsigned char *)d, n);
			pieces++;
		}
	} else {
		while ((rc = dk_stream_next_batch(s, 1, &d, &n, &runs, &nruns)) == 1) {
			for (i = 0; i < nruns; i++) {
				*(runs[i].stream_id == DK_STDERR ? &err : &out) += runs[i].len;
				pieces++;
			}
			sum += bsum((const unsigned char *)d, n);
		}
	}
	if (rc) {
		fprintf(stderr, "%s\n", dk_error_last()->message);
		return 1;
	}
	dk_stream_free(s);
	printf("{\"wall\": %.6f, \"cpu\": %.6f, \"stdout\": %llu, \"stderr\": %llu, \"pieces\": %llu, "
	       "\"sum\": %llu}\n", now() - t0, cpu() - c0, out, err, pieces, sum);
	dk_client_free(c);
	return 0;
}
