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

/** Oldest Engine API version this library speaks. */
#define DK_API_VERSION_MIN "1.41"
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

/** The library's version string, e.g. "0.1.0". Static storage. */
DK_EXTERN(const char *) dk_version(void);

DK_END_DECL

#endif
