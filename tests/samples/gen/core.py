# Core samples that cannot live in git as text: raw envelopes with NUL
# bytes, messages with NULs, no final newline, huge lines.
# usage: core.py OUTDIR
import os, sys
out = sys.argv[1]
def w(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
w('env-bad-format', b'Xsender@example.net\0Trcpt@example.com\0\0')
w('env-no-t', b'Fsender@example.net\0Xrcpt@example.com\0\0')
w('env-no-rcpt', b'Fsender@example.net\0\0')
w('env-truncated', b'Fsender@example.net\0Trcpt@exa')
w('env-no-final-nul', b'Fsender@example.net\0Trcpt@example.com\0')
w('env-empty', b'')
w('env-long-addr', b'Fsender@example.net\0T' + b'a' * 1100 + b'@example.com\0\0')
w('env-long-sender', b'F' + b'a' * 1004 + b'\0Trcpt@example.com\0\0')
w('env-1003', b'F' + b'a' * 991 + b'@example.net\0Trcpt@example.com\0\0')
w('env-1002', b'F' + b'a' * 990 + b'@example.net\0Trcpt@example.com\0\0')
w('env-bounce', b'F\0Trcpt@example.com\0\0')
w('env-two', b'Fsender@example.net\0Ta@example.com\0Tb@example.org\0\0')
w('env-600-rcpts', b'Fsender@example.net\0' + b''.join(b'Trcpt%04d@example.com\0' % i for i in range(600)) + b'\0')
hdr = b'From: <sender@example.net>\nTo: <rcpt@example.com>\nSubject: edge\n'
w('msg-empty.eml', b'')
w('msg-nul.eml', hdr + b'\nbinary\0zero\0bytes\n')
w('msg-no-final-newline.eml', hdr + b'\nno newline at the end')
w('msg-long-header.eml', hdr.replace(b'Subject: edge', b'Subject: ' + b'x' * 3000000) + b'\nbody\n')
w('msg-headers-only.eml', hdr)
w('msg-big.eml', hdr + b'\n' + (b'0123456789abcdef' * 4 + b'\n') * 40000)
