/* Save or load one image through the C API against URL; prints one JSON line
 * with the wall time, the client's CPU time (user+sys, getrusage), the bytes
 * moved and the growth of the peak RSS over the transfer. Built and run by
 * bench_images.py:
 *
 *     bench_images_c URL save IMAGE FILE   (dk_image_get + dk_stream_copy_fd)
 *     bench_images_c URL load IMAGE FILE   (dk_image_load from dk_read_fd)
 *     bench_images_c URL raw-save IMAGE FILE   (no library: the ceiling)
 *     bench_images_c URL raw-load IMAGE FILE
 *
 * The raw client: its own unix socket, a hand-written request with
 * Connection: close; save: the chunked answer received in 256 KiB pieces,
 * each payload run written to FILE as it is; load: FILE sent with sendfile
 * under a Content-Length (SO_SNDBUF 4 MiB, as far as net.core.wmem_max
 * allows), then the answer read and checked.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
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

/* --- the raw client: no library, the engine ceiling ------------------------ */

static int unix_connect(const char *url)
{
	struct sockaddr_un a;
	int s;

	if (strncmp(url, "unix://", 7) || strlen(url + 7) >= sizeof(a.sun_path))
		return -1;
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	strcpy(a.sun_path, url + 7);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a))) {
		perror("connect");
		return -1;
	}
	return s;
}

static int send_all(int s, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(s, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read the answer's head into buf; returns the status; *body, *have: the
 * bytes after the head in buf; *chunked: Transfer-Encoding: chunked. */
static int read_head(int s, char *buf, size_t cap, char **body, size_t *have, int *chunked)
{
	size_t len = 0;
	char *end;
	ssize_t r;

	for (;;) {
		buf[len] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")))
			break;
		if (len + 1 >= cap)
			return -1;
		r = recv(s, buf + len, cap - 1 - len, 0);
		if (r <= 0)
			return -1;
		len += (size_t)r;
	}
	*end = '\0';
	*chunked = strcasestr(buf, "\r\ntransfer-encoding: chunked") != NULL;
	*body = end + 4;
	*have = len - (size_t)(end + 4 - buf);
	return strncmp(buf, "HTTP/1.", 7) ? -1 : atoi(buf + 9);
}

#define RAW_BUF (256 << 10)
#define RAW_IOV 64

/* Write iov[0..*n) whole; *n = 0 after. */
static int writev_all(int fd, struct iovec *iov, size_t *n)
{
	size_t i = 0;

	while (i < *n) {
		ssize_t w = writev(fd, iov + i, (int)(*n - i));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		while (i < *n && (size_t)w >= iov[i].iov_len)
			w -= (ssize_t)iov[i++].iov_len;
		if (i < *n) {
			iov[i].iov_base = (char *)iov[i].iov_base + w;
			iov[i].iov_len -= (size_t)w;
		}
	}
	*n = 0;
	return 0;
}

/* GET /images/NAME/get; the chunked payload to fd. */
static int raw_save(const char *url, const char *image, int fd, uint64_t *n)
{
	static char buf[RAW_BUF + 1];
	static struct iovec iov[RAW_IOV];
	char req[1024], line[64];
	size_t have, i, skip = 0, crlf = 0, ll = 0, niov = 0;
	char *p;
	int s, chunked, st;
	ssize_t r;

	if ((s = unix_connect(url)) < 0)
		return -1;
	snprintf(req, sizeof(req), "GET /v1.41/images/%s/get HTTP/1.1\r\nHost: docker\r\n"
		"Connection: close\r\n\r\n", image);
	if (send_all(s, req, strlen(req)) ||
	    (st = read_head(s, buf, sizeof(buf), &p, &have, &chunked)) != 200 || !chunked) {
		fprintf(stderr, "raw save: bad answer\n");
		return -1;
	}
	memmove(buf, p, have);
	for (;;) {
		/* the payload runs of one receive go out with one writev */
		niov = 0;
		for (i = 0; i < have;) {
			if (skip) {
				size_t take = skip < have - i ? skip : have - i;
				if (niov == RAW_IOV && writev_all(fd, iov, &niov))
					return -1;
				iov[niov].iov_base = buf + i;
				iov[niov++].iov_len = take;
				i += take;
				skip -= take;
				*n += take;
				if (!skip)
					crlf = 2;
			} else if (crlf) {
				i++;
				crlf--;
			} else if (buf[i] == '\n') {
				line[ll] = '\0';
				skip = strtoul(line, NULL, 16);
				ll = 0;
				i++;
				if (!skip) {
					close(s);
					return writev_all(fd, iov, &niov);
				}
			} else {
				if (ll + 1 < sizeof(line))
					line[ll++] = buf[i];
				i++;
			}
		}
		if (writev_all(fd, iov, &niov))
			return -1;
		do {
			r = recv(s, buf, RAW_BUF, 0);
		} while (r < 0 && errno == EINTR);
		if (r <= 0) {
			fprintf(stderr, "raw save: cut mid-body\n");
			return -1;
		}
		have = (size_t)r;
	}
}

/* POST /images/load with Content-Length, the file sent with sendfile. */
static int raw_load(const char *url, int fd, uint64_t *n)
{
	static char buf[65536];
	char req[512];
	struct stat sb;
	off_t off = 0;
	size_t have;
	char *p;
	int s, chunked, st, sndbuf = 4 << 20;
	ssize_t r;

	if (fstat(fd, &sb) || (s = unix_connect(url)) < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	snprintf(req, sizeof(req), "POST /v1.41/images/load?quiet=1 HTTP/1.1\r\nHost: docker\r\n"
		"Content-Type: application/x-tar\r\nContent-Length: %lld\r\n"
		"Connection: close\r\n\r\n", (long long)sb.st_size);
	if (send_all(s, req, strlen(req)))
		return -1;
	while (off < sb.st_size) {
		r = sendfile(s, fd, &off, (size_t)(sb.st_size - off));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			perror("raw load: sendfile");
			return -1;
		}
	}
	*n = (uint64_t)off;
	st = read_head(s, buf, sizeof(buf), &p, &have, &chunked);
	memmove(buf, p, have);
	while (have < sizeof(buf) - 1 && (r = recv(s, buf + have, sizeof(buf) - 1 - have, 0)) > 0)
		have += (size_t)r;
	buf[have] = '\0';
	close(s);
	if (st != 200 || !strstr(buf, "Loaded image") || strstr(buf, "\"error")) {
		fprintf(stderr, "raw load: %d %.300s\n", st, buf);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	dk_client *c = NULL;
	dk_stream *s = NULL;
	uint64_t n = 0;
	long rss0, hwm0;
	double t0, c0, wall, cpu;
	int fd, rc, reset, raw;

	if (argc != 5 || (strcmp(argv[2], "save") && strcmp(argv[2], "load") &&
	    strcmp(argv[2], "raw-save") && strcmp(argv[2], "raw-load"))) {
		fprintf(stderr, "usage: %s URL save|load|raw-save|raw-load IMAGE FILE\n", argv[0]);
		return 2;
	}
	raw = !strncmp(argv[2], "raw-", 4);
	if (!raw && (dk_client_new(&c, argv[1]) || dk_client_set_api_version(c, "1.41") ||
	    dk_system_ping(c))) {
		fprintf(stderr, "%s\n", dk_error_last()->message);
		return 1;
	}
	if (strstr(argv[2], "save"))
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
	if (!strcmp(argv[2], "raw-save")) {
		rc = raw_save(argv[1], argv[3], fd, &n);
	} else if (!strcmp(argv[2], "raw-load")) {
		rc = raw_load(argv[1], fd, &n);
	} else if (!strcmp(argv[2], "save")) {
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
		fprintf(stderr, "%s\n", raw ? "raw client failed" : dk_error_last()->message);
		return 1;
	}
	printf("{\"wall\": %.6f, \"cpu\": %.6f, \"bytes\": %llu, \"rss_growth_kb\": %ld, "
		"\"hwm_kb\": %ld}\n", wall, cpu, (unsigned long long)n,
		status_kb("VmHWM") - (reset ? rss0 : hwm0), status_kb("VmHWM"));
	dk_client_free(c);
	return 0;
}
