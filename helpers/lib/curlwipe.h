/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libcurl keeps its own copies of the URL (parsed parts, the request line
 * in a growing buffer), which hold the password, and frees them without
 * wiping.  curl_init_wiping() is curl_global_init() with an allocator that
 * wipes every block it frees or leaves behind when growing one.  (TLS
 * libraries allocate on their own: an https request's plaintext may stay
 * in OpenSSL's freed record buffers until the process exits.)
 */
#ifndef TRANSIX_CURLWIPE_H
#define TRANSIX_CURLWIPE_H

/* 0, or -ENOMEM if libcurl cannot be initialised.  Calling it again is
 * harmless (libcurl counts). */
int curl_init_wiping(void);

#endif
