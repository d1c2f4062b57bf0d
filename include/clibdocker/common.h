/* clibdocker: common definitions shared by every public header.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_COMMON_H
#define CLIBDOCKER_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
# define DK_BEGIN_DECL extern "C" {
# define DK_END_DECL }
#else
# define DK_BEGIN_DECL
# define DK_END_DECL
#endif

#if defined(_WIN32)
# define DK_EXTERN(type) __declspec(dllexport) type
#elif defined(__GNUC__)
# define DK_EXTERN(type) __attribute__((visibility("default"))) type
#else
# define DK_EXTERN(type) type
#endif

/** Library version. */
#define DK_VERSION "0.1.0"
#define DK_VERSION_MAJOR 0
#define DK_VERSION_MINOR 1
#define DK_VERSION_PATCH 0

/** Oldest Engine API version this library speaks (docker-py's minimum).
 * Anything newer than it that an operation uses is checked against the
 * client's version before a request is sent (DK_EVERSION); see
 * docs/conventions.md, "API versions". */
#define DK_API_VERSION_MIN "1.24"
/** Newest Engine API version this library speaks (the newest spec we ship). */
#define DK_API_VERSION_MAX "1.55"

DK_BEGIN_DECL

/** The client handle (opaque). One client talks to one engine; it is safe to
 * share between threads. */
typedef struct dk_client dk_client;

/** A parsed response (opaque). See value.h. */
typedef struct dk_value dk_value;

/** An open response stream (opaque). See stream.h. */
typedef struct dk_stream dk_stream;

/**
 * A source of request bytes for streamed request bodies (build contexts,
 * archive uploads, image load/import, plugin create): the body is sent
 * chunked as it is read, never buffered whole.
 *
 * @param userdata what the caller passed beside the function
 * @param buf      where to put up to `len` bytes
 * @return the number of bytes written to buf, 0 at the end of the body, or a
 *         negative DK_E* code to abort the call (which then fails with it).
 * Called on the calling thread, during the call.
 */
typedef int64_t (*dk_read_fn)(void *userdata, char *buf, size_t len);

/** A ready-made dk_read_fn reading from a file descriptor: pass a pointer
 * to the int descriptor as userdata. */
DK_EXTERN(int64_t) dk_read_fd(void *userdata, char *buf, size_t len);

/** The library's version string, e.g. "0.1.0". Static storage. */
DK_EXTERN(const char *) dk_version(void);

DK_END_DECL

#endif
