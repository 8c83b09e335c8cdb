/* sniff_mail.h: whether content is a mail message (an .eml or mbox file
 * sent as an attachment of another type), which a recipient's mail
 * program opens as a message, attachments and all. The MIME walk then
 * walks it as it walks a message/rfc822 part. */
#ifndef QF_SNIFF_MAIL_H
#define QF_SNIFF_MAIL_H

#include <stdbool.h>
#include <stddef.h>

/* head: the first len bytes. An optional mbox "From " line, then a block
 * of at least two header fields (continuation lines allowed) holding one
 * that every message has (From, Received, Return-Path, Message-ID,
 * MIME-Version, Content-Type), up to an empty line or the end of head. */
bool qf_sniff_mail(const unsigned char *head, size_t len);

#endif
