#ifndef HIREBIND_COPENSSL_SHIM_H
#define HIREBIND_COPENSSL_SHIM_H

// Keep deprecated OpenSSL APIs (HMAC_CTX_*, ...) out of reach.
#define OPENSSL_NO_DEPRECATED 1

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#endif
