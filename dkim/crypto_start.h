/* crypto_start.h: OpenSSL's start, made before libopendkim's or ours. */
#ifndef QF_CRYPTO_START_H
#define QF_CRYPTO_START_H

/* Starts libcrypto without what verifying signatures does not use; safe
 * to call more than once. 0, or -1 when OpenSSL could not start. */
int qf_crypto_start(void);

#endif
