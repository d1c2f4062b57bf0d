/* A tiny test harness for the C tests (prints TAP-like lines). */
#ifndef DKTEST_H
#define DKTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dkt_failed = 0;
static int dkt_checks = 0;

#define CHECK(cond) do { \
	dkt_checks++; \
	if (!(cond)) { \
		dkt_failed++; \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_RC(expr) do { \
	int dkt_rc_ = (expr); \
	dkt_checks++; \
	if (dkt_rc_ != 0) { \
		dkt_failed++; \
		fprintf(stderr, "%s:%d: %s returned %d (%s): %s\n", __FILE__, __LINE__, #expr, \
			dkt_rc_, dk_error_name(dkt_rc_), dk_error_last()->message); \
	} \
} while (0)

#define DKT_DONE() do { \
	printf("%d checks, %d failed\n", dkt_checks, dkt_failed); \
	return dkt_failed ? 1 : 0; \
} while (0)

#endif
