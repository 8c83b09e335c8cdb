# Samples of the archive walk (archive/): a PE inside every container
# format we can write here, clean archives, nested ones, archives that lie
# (sizes, truncation, CRC, encryption, an unsupported method), bombs,
# TNEF (winmail.dat), images and compressors no reader here opens, zip
# tricks, split volumes. Made with python's modules and with 7z, bsdtar
# (libarchive-tools), gcab, zstd, lz4, ncompress, lzip, lzop,
# squashfs-tools, e2fsprogs, dosfstools, mtools (tests/lib/need-packages); lha by
# hand (level-0 header, stored "-lh0-"). rar cannot be written with free
# tools, so there is no rar sample.
# usage: archive.py OUTDIR   (the sample runner's @GEN@)
import bz2, gzip, io, lzma, os, shutil, struct, subprocess, sys, tarfile, tempfile, uuid, zipfile, zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]
# mime.py's helpers, without running its writes: import only the functions
src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'mime.py')).read()
helpers = src[:src.index('# ---- executables')] if '# ---- executables' in src else None
if helpers is None:
    raise SystemExit('archive.py: mime.py has no "# ---- executables" marker')
g = {'__name__': 'mime_helpers', '__file__': os.path.join(os.path.dirname(os.path.abspath(__file__)), 'mime.py')}
exec(compile(helpers, 'mime.py', 'exec'), g)
pe, multipart, attach, text_part, zip_of, raw_zip = (g[k] for k in
    ('pe', 'multipart', 'attach', 'text_part', 'zip_of', 'raw_zip'))
PE = pe(size=4096)
TEXT = b'just some text, nothing to run\n' * 20
PNG = bytes.fromhex('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
                    '1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082')


def w(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode('latin-1'))


def mail(name, fname, data, ctype='application/octet-stream'):
    w(name + '.eml', multipart(name, [text_part(), attach(ctype, fname, data)]))


tmp = tempfile.mkdtemp(prefix='qf-archive-gen.')


def tool(files, cmd, result):
    """Writes files into a fresh folder, runs cmd there, returns result's bytes."""
    d = tempfile.mkdtemp(dir=tmp)
    for n, data in files:
        os.makedirs(os.path.dirname(os.path.join(d, n)) or d, exist_ok=True)
        with open(os.path.join(d, n), 'wb') as f:
            f.write(data)
    subprocess.run(cmd, cwd=d, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(d, result), 'rb') as f:
        return f.read()


def tar_of(files, mode='w'):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode=mode) as t:
        for n, data in files:
            i = tarfile.TarInfo(n)
            i.size = len(data)
            i.mtime = 1700000000
            t.addfile(i, io.BytesIO(data))
    return b.getvalue()


def lha_of(files):
    """LHA level-0 headers, method -lh0- (stored), CRC-16 of the data."""
    def crc16(data):
        c = 0
        for b in data:
            c ^= b
            for _ in range(8):
                c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
        return c
    o = b''
    for n, data in files:
        n = n.encode()
        h = b'-lh0-' + struct.pack('<IIIBB', len(data), len(data), 0, 0x20, 0) + bytes([len(n)]) + n
        h += struct.pack('<H', crc16(data))
        o += bytes([len(h), sum(h) & 0xff]) + h + data
    return o + b'\0'


def onenote(files, cut=0):
    """A OneNote section ([MS-ONESTORE]): its file type GUID, the rest of a
    1 KB header, and per file a FileDataStoreObject (header GUID, length,
    twelve zero bytes, the data padded to 8, footer GUID) between bits of
    page data; cut: bytes taken off the end."""
    guid = lambda g: uuid.UUID(g).bytes_le
    o = guid('7B5C52E4-D88C-4DA7-AEB1-5378D02996D3') + bytes(1008)
    for k, data in enumerate(files):
        o += b'page %d: text of the page, then an inserted file\n' % k
        o += (guid('BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC') + struct.pack('<Q', len(data)) + bytes(12)
              + data + bytes(-len(data) % 8) + guid('71FBA722-0F79-4A0B-BB13-899256426B24'))
    o += b'the end of the section\n'
    return o[:len(o) - cut] if cut else o


def tnef(files, checksum_ok=True, mapi=False):
    """A TNEF stream: signature, key, and per file attAttachRendData,
    attAttachTitle and attAttachData; with mapi, the data and the long
    name go in the attachment's MAPI properties instead."""
    def attr(level, aid, data, ok=True):
        s = sum(data) & 0xffff
        return struct.pack('<BII', level, aid, len(data)) + data + struct.pack('<H', s if ok else s ^ 1)

    def prop_var(ptype, pid, value):
        pad = (4 - len(value) % 4) % 4
        return struct.pack('<HHII', ptype, pid, 1, len(value)) + value + b'\0' * pad

    o = struct.pack('<IH', 0x223e9f78, 1) + attr(1, 0x00089006, b'\0\0\1\0')
    for n, data in files:
        o += attr(2, 0x00069002, struct.pack('<HIHHHI', 1, 0xffffffff, 0, 0, 0, 0))
        if mapi:
            o += attr(2, 0x00018010, b'notes.txt\0')
            props = struct.pack('<I', 2) + prop_var(0x001e, 0x3707, n.encode() + b'\0') + \
                prop_var(0x0102, 0x3701, data)
            o += attr(2, 0x00069005, props)
        else:
            o += attr(2, 0x00018010, n.encode() + b'\0')
            o += attr(2, 0x0006800f, data, checksum_ok)
    return o


def zip_lie(delta, data, central_too=False):
    """A deflated entry whose local header (and central record, with
    central_too) declares delta bytes more than it holds."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = c.compress(data) + c.flush()
    crc = zlib.crc32(data)
    z = raw_zip([('setup.exe', packed, 8, crc, len(data), 0)])
    usize = len(data) + delta
    if usize >= 1 << 32:   # zip64: the 32-bit field says so, the extra field has the size
        return zip64_lie(packed, crc, len(data), usize)
    z = z[:22] + struct.pack('<I', usize) + z[26:]
    if central_too:
        cd = z.index(b'PK\1\2')
        z = z[:cd + 24] + struct.pack('<I', usize) + z[cd + 28:]
    return z


def zip64_lie(packed, crc, real, usize):
    n = b'setup.exe'
    extra = struct.pack('<HHQQ', 1, 16, usize, len(packed))
    local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 45, 0, 8, 0, 0x21, crc, 0xffffffff,
                        0xffffffff, len(n), len(extra)) + n + extra + packed
    cd = struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45, 0, 8, 0, 0x21, crc, len(packed),
                     real, len(n), 0, 0, 0, 0, 0, 0) + n
    return local + cd + struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 1, 1, len(cd), len(local), 0)


def zip_bad_crc(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = c.compress(data) + c.flush()
    return raw_zip([('setup.exe', packed, 8, zlib.crc32(data) ^ 0x5a5a, len(data), 0)])


def zip_truncated(data):
    """Cut in the middle of an entry larger than libarchive's first block
    (256 KB), so that the bytes before the cut come out."""
    import random
    bulk = random.Random(3).randbytes(600 << 10)
    z = zip_of([('setup.exe', data + bulk)])
    return z[:len(z) // 2]


try:
    FILES = [('readme.txt', TEXT), ('setup.exe', PE)]
    CLEAN = [('readme.txt', TEXT), ('notes/plan.txt', TEXT[::-1])]
    # ---- one per format, a PE inside ----
    formats = {
        'archive-7z': ('a.7z', tool(FILES, ['7z', 'a', '-t7z', 'a.7z', 'readme.txt', 'setup.exe'], 'a.7z')),
        'archive-zip-prefixed': ('a.zip', bytes(range(32, 127)) * 40 + zip_of(FILES)),
        'archive-tar': ('a.tar', tar_of(FILES)),
        'archive-tar-gz': ('a.tar.gz', tar_of(FILES, 'w:gz')),
        'archive-tar-bz2': ('a.tar.bz2', tar_of(FILES, 'w:bz2')),
        'archive-tar-xz': ('a.tar.xz', tar_of(FILES, 'w:xz')),
        'archive-tar-zst': ('a.tar.zst', tool(FILES, ['bsdtar', '--zstd', '-cf', 'a.tar.zst', 'readme.txt', 'setup.exe'], 'a.tar.zst')),
        'archive-tar-lz4': ('a.tar.lz4', tool(FILES, ['bsdtar', '--lz4', '-cf', 'a.tar.lz4', 'readme.txt', 'setup.exe'], 'a.tar.lz4')),
        'archive-cpio': ('a.cpio', tool(FILES, ['bsdtar', '--format', 'newc', '-cf', 'a.cpio', 'readme.txt', 'setup.exe'], 'a.cpio')),
        'archive-iso': ('a.iso', tool(FILES, ['bsdtar', '--format', 'iso9660', '-cf', 'a.iso', 'readme.txt', 'setup.exe'], 'a.iso')),
        'archive-xar': ('a.xar', tool(FILES, ['bsdtar', '--format', 'xar', '-cf', 'a.xar', 'readme.txt', 'setup.exe'], 'a.xar')),
        'archive-ar': ('a.a', tool(FILES, ['bsdtar', '--format', 'ar', '-cf', 'a.a', 'readme.txt', 'setup.exe'], 'a.a')),
        'archive-cab': ('a.cab', tool(FILES, ['gcab', '-c', '-z', 'a.cab', 'readme.txt', 'setup.exe'], 'a.cab')),
        'archive-lha': ('a.lzh', lha_of(FILES)),
        'archive-gz': ('setup.exe.gz', gzip.compress(PE, mtime=0)),
        'archive-bz2': ('setup.exe.bz2', bz2.compress(PE)),
        'archive-xz': ('setup.exe.xz', lzma.compress(PE)),
        'archive-lzma': ('setup.exe.lzma', lzma.compress(PE, format=lzma.FORMAT_ALONE)),
        'archive-zst': ('setup.exe.zst', tool([('setup.exe', PE)], ['zstd', '-q', 'setup.exe'], 'setup.exe.zst')),
        'archive-lz4': ('setup.exe.lz4', tool([('setup.exe', PE)], ['lz4', '-q', 'setup.exe', 'setup.exe.lz4'], 'setup.exe.lz4')),
    }
    for name, (fname, data) in formats.items():
        mail(name, fname, data)
    mail('archive-tnef', 'winmail.dat', tnef([('readme.txt', TEXT), ('setup.exe', PE)]), 'application/ms-tnef')
    mail('archive-tnef-mapi', 'winmail.dat', tnef([('setup.exe', PE)], mapi=True), 'application/ms-tnef')
    mail('archive-tnef-damaged', 'winmail.dat', tnef([('readme.txt', TEXT)], checksum_ok=False), 'application/ms-tnef')
    mail('archive-tnef-clean', 'winmail.dat', tnef([('readme.txt', TEXT)]), 'application/ms-tnef')
    # ---- clean ones ----
    mail('archive-clean-zip', 'docs.zip', zip_of(CLEAN))
    mail('archive-clean-7z', 'docs.7z', tool(CLEAN, ['7z', 'a', '-t7z', 'docs.7z', 'readme.txt', 'notes'], 'docs.7z'))
    mail('archive-clean-tar-gz', 'docs.tar.gz', tar_of(CLEAN, 'w:gz'))
    mail('archive-clean-gz', 'notes.txt.gz', gzip.compress(TEXT, mtime=0))
    # ---- nested: PE in zip in 7z in tar.gz ----
    inner = zip_of(FILES)
    seven = tool([('inner.zip', inner)], ['7z', 'a', '-t7z', 'mid.7z', 'inner.zip'], 'mid.7z')
    mail('archive-nested', 'outer.tar.gz', tar_of([('mid.7z', seven)], 'w:gz'))
    deep = zip_of([('readme.txt', TEXT)])
    for k in range(6):
        deep = zip_of([('level%d.zip' % k, deep)], zipfile.ZIP_STORED)
    mail('archive-bomb-deep', 'deep.zip', deep)
    # ---- lies, each once around a PE and once around text ----
    lies = {
        'size1': lambda d: zip_lie(1, d),
        'size100': lambda d: zip_lie(100, d),
        'size10g': lambda d: zip_lie(10 << 30, d),
        'truncated': zip_truncated,
        'crc': zip_bad_crc,
    }
    for lie, make in lies.items():
        mail('archive-lie-%s-pe' % lie, 'a.zip', make(PE))
        mail('archive-lie-%s' % lie, 'a.zip', make(TEXT))
    mail('archive-lie-encrypted-7z', 'a.7z', tool(FILES, ['7z', 'a', '-t7z', '-psecret', 'a.7z', 'readme.txt', 'setup.exe'], 'a.7z'))
    mail('archive-lie-encrypted-7z-header', 'a.7z', tool(FILES, ['7z', 'a', '-t7z', '-psecret', '-mhe=on', 'a.7z', 'readme.txt', 'setup.exe'], 'a.7z'))
    mail('archive-zip-deflate64', 'a.zip', tool(FILES, ['7z', 'a', '-tzip', '-mm=Deflate64', 'a.zip', 'readme.txt', 'setup.exe'], 'a.zip'))
    mail('archive-damaged-7z', 'a.7z', formats['archive-7z'][1][:40])
    # ---- containers no reader here opens, which a recipient's does
    # (7-Zip, expand.exe, hh.exe, StuffIt): ClamAV's test files, each
    # holding clam.exe (clamav-testfiles, a package of need-packages) ----
    tf = '/usr/share/clamav-testfiles/'
    for name, fname, f in [('archive-closed-arj', 'a.arj', 'clam.arj'),
                           ('archive-closed-chm', 'help.chm', 'clam.chm'),
                           ('archive-closed-szdd', 'setup.ex_', 'clam.exe.szdd'),
                           ('archive-closed-binhex', 'setup.hqx', 'clam.exe.binhex'),
                           ('archive-closed-sis', 'app.sis', 'clam.sis')]:
        with open(tf + f, 'rb') as fh:
            mail(name, fname, fh.read())
    # ---- compressors libarchive reads built in (compress, lzip; ncompress,
    # lzip of need-packages), and what it would run a program for (lzop,
    # lrzip: closed) ----
    def tar_then(cmd, out):
        d = tar_of(FILES)
        return tool([('a.tar', d)], cmd, out)
    mail('archive-Z', 'setup.exe.Z', tool([('setup.exe', PE)], ['compress', '-f', 'setup.exe'], 'setup.exe.Z'))
    mail('archive-tar-Z', 'a.tar.Z', tar_then(['compress', '-f', 'a.tar'], 'a.tar.Z'))
    mail('archive-lz', 'setup.exe.lz', tool([('setup.exe', PE)], ['lzip', '-q', 'setup.exe'], 'setup.exe.lz'))
    mail('archive-tar-lz', 'a.tar.lz', tar_then(['lzip', '-q', 'a.tar'], 'a.tar.lz'))
    mail('archive-closed-lzop', 'a.tar.lzo', tar_then(['lzop', '-q', 'a.tar'], 'a.tar.lzo'))
    # an lrzip header (no free tool writes one here) with a zip signature
    # in its head, so that the walk hands it to libarchive
    mail('archive-closed-lrzip', 'a.tar.lrz', b'LRZI\0\6' + bytes(18) + zip_of(FILES))
    # ---- images 7-Zip unpacks (7z writes WIM; squashfs-tools, e2fsprogs,
    # dosfstools and mtools the others) ----
    def sbin(prog):
        return shutil.which(prog) or shutil.which(prog, path='/usr/sbin:/sbin') or prog
    mail('archive-closed-wim', 'a.wim', tool(FILES, ['7z', 'a', '-twim', 'a.wim', 'readme.txt', 'setup.exe'], 'a.wim'))
    mail('archive-closed-squashfs', 'a.sqsh', tool(FILES, ['mksquashfs', 'readme.txt', 'setup.exe', 'a.sqsh', '-quiet', '-noappend'], 'a.sqsh'))
    mail('archive-closed-ext2', 'a.ext2', tool([('in/readme.txt', TEXT), ('in/setup.exe', PE)],
         [sbin('mke2fs'), '-q', '-F', '-t', 'ext2', '-b', '1024', '-d', 'in', 'a.ext2', '128'], 'a.ext2'))
    mail('archive-closed-fat', 'a.fat', tool(FILES, ['sh', '-c', sbin('mkfs.fat') + ' -C a.fat 64 >/dev/null && '
         'mcopy -i a.fat readme.txt setup.exe ::'], 'a.fat'))
    # ---- zip tricks: a second end record in the first one's comment
    # (unzip reads two entries, libarchive and 7-Zip one); a zip after
    # another container, which unzip finds from the end ----
    z = raw_zip([('readme.txt', TEXT, 0, zlib.crc32(TEXT), len(TEXT), 0),
                 ('setup.exe', PE, 0, zlib.crc32(PE), len(PE), 0)])
    cd_off, = struct.unpack('<I', z[-6:-2])
    fake = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 1, 1, 46 + len('readme.txt'), cd_off, 0)
    mail('archive-zip-two-ends', 'a.zip', z[:-2] + struct.pack('<H', len(fake)) + fake)
    zc = io.BytesIO()
    with zipfile.ZipFile(zc, 'w') as zf:
        zf.comment = b'Minutes of the meeting, as agreed. PK'
        for n, data in CLEAN:
            zf.writestr(n, data)
    mail('archive-clean-zip-comment', 'docs.zip', zc.getvalue())
    mail('archive-clean-zip-in-zip', 'docs.zip', zip_of([('inner.zip', zip_of(CLEAN)), ('readme.txt', TEXT)],
                                                        zipfile.ZIP_STORED))
    seven_clean = tool(CLEAN, ['7z', 'a', '-t7z', 'c.7z', 'readme.txt', 'notes'], 'c.7z')
    mail('archive-polyglot-7z-zip', 'a.7z', seven_clean + zip_of(FILES))
    mail('archive-polyglot-tar-zip', 'a.tar', tar_of(CLEAN) + zip_of(FILES))
    mail('archive-polyglot-gz-zip', 'a.gz', gzip.compress(TEXT, mtime=0) + zip_of(FILES))
    mail('archive-clean-polyglot-7z-zip', 'a.7z', seven_clean + zip_of(CLEAN))
    # ---- a zip after a picture or a document: unzip and 7-Zip find it
    # from its end, whatever comes first; a big picture (its copy kept,
    # the end read back) and a small one (all of it in the head) ----
    import random as rnd
    jpeg = (b'\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00'
            + rnd.Random(5).randbytes(40 << 10) + b'\xff\xd9')
    mail('archive-zip-after-jpeg', 'photo.jpg', jpeg + zip_of(FILES), 'image/jpeg')
    mail('archive-zip-after-png', 'logo.png', PNG + zip_of([('setup.exe', PE)]), 'image/png')
    mail('archive-clean-zip-after-jpeg', 'photo.jpg', jpeg + zip_of(CLEAN), 'image/jpeg')
    # bytes after the zip's end record: unzip, Python, 7-Zip and bsdtar
    # still list the entries
    mail('archive-zip-after-jpeg-trailing', 'photo.jpg', jpeg + zip_of(FILES) + b'J' * 200,
         'image/jpeg')
    # ---- an archive inside a picture, not at its end: 7-Zip looks for
    # the signatures of zip, 7z, RAR and cab through the whole file and
    # opens the first at which an archive reads ----
    noise = rnd.Random(6).randbytes(80 << 10)   # past the 64 KB where unzip looks
    seven_pe = tool(FILES, ['7z', 'a', '-t7z', 'in.7z', 'readme.txt', 'setup.exe'], 'in.7z')
    mail('archive-7z-inside-jpeg', 'photo.jpg', jpeg + seven_pe + noise, 'image/jpeg')
    mail('archive-zip-inside-jpeg', 'photo.jpg', jpeg + zip_of(FILES) + noise, 'image/jpeg')
    mail('archive-cab-inside-jpeg', 'photo.jpg', jpeg + formats['archive-cab'][1] + noise, 'image/jpeg')
    mail('archive-zip-inside-jpeg-decoy', 'photo.jpg',
         jpeg + b'PK\3\4' + noise[:300] + zip_of(FILES) + noise, 'image/jpeg')
    mail('archive-clean-7z-inside-jpeg', 'photo.jpg', jpeg + seven_clean + noise, 'image/jpeg')
    # a clean zip first, then a 7z with the program: 7-Zip shows the zip,
    # an unpacker that looks for 7z first the program; every one is read
    mail('archive-inside-jpeg-clean-then-7z', 'photo.jpg',
         jpeg + zip_of(CLEAN) + noise[:2000] + seven_pe + noise, 'image/jpeg')
    # ... and with a clean zip at the end too, whose central directory a
    # reader from the end takes: the 7z between them is still read
    mail('archive-inside-jpeg-zip-7z-zip', 'photo.jpg',
         jpeg + zip_of(CLEAN) + noise[:2000] + seven_pe + noise[:3000] + zip_of(CLEAN), 'image/jpeg')
    # a 7z inside a picture that holds a damaged zip: the damage is
    # noted as in any archive (only the reading at the signature itself
    # passes over what is no archive)
    bad_zip = b'PK\3\4' + bytes(range(200))
    seven_bad = tool([('inner.zip', bad_zip)], ['7z', 'a', '-t7z', 'b.7z', 'inner.zip'], 'b.7z')
    mail('archive-7z-inside-jpeg-damaged-zip', 'photo.jpg', jpeg + seven_bad + noise, 'image/jpeg')
    fake = bytearray(jpeg + noise)
    for k, sig in enumerate([b'PK\3\4', b'7z\274\257\047\034', b'Rar!\032\007\0', b'MSCF\0\0\0\0']):
        fake[5000 + 7000 * k:5000 + 7000 * k + len(sig)] = sig
    mail('archive-clean-jpeg-signatures', 'photo.jpg', bytes(fake), 'image/jpeg')
    many = bytearray(jpeg + noise)
    for k in range(9):
        many[3000 + 4000 * k:3004 + 4000 * k] = b'PK\3\4'
    mail('archive-inside-many-signatures', 'photo.jpg', bytes(many), 'image/jpeg')
    # ---- OneNote: a double click on an inserted file's icon opens it ----
    hta = (b'<html><head><HTA:APPLICATION ID="u" APPLICATIONNAME="update"/>\n'
           b'<script language="VBScript">CreateObject("WScript.Shell").Run "calc"</script></head></html>\n')
    mail('archive-onenote-pe', 'notes.one', onenote([PNG, PE]), 'application/onenote')
    mail('archive-onenote-zip', 'notes.one', onenote([PNG, zip_of(FILES)]), 'application/onenote')
    mail('archive-onenote-hta', 'notes.one', onenote([hta]), 'application/onenote')
    mail('archive-onenote-truncated', 'notes.one', onenote([TEXT * 4, PE], cut=100), 'application/onenote')
    mail('archive-onenote-clean', 'notes.one', onenote([PNG, TEXT]), 'application/onenote')
    broken = onenote([TEXT]).replace(uuid.UUID('71FBA722-0F79-4A0B-BB13-899256426B24').bytes_le, bytes(16))
    mail('archive-onenote-damaged', 'notes.one', broken, 'application/onenote')
    # ---- one volume of a split archive: 7-Zip joins tool.001 and
    # tool.002 into the program; neither shows it alone ----
    w('archive-split-001.eml', multipart('archive-split-001', [text_part(),
      attach('application/octet-stream', 'tool.001', PE[:2]),
      attach('application/octet-stream', 'tool.002', PE[2:])]))
    mail('archive-split-part1-rar', 'setup.part1.rar', TEXT)
    # ---- a mail message sent as an attachment of another type (an .eml
    # or mbox file): a recipient's mail program opens it as a message ----
    for name, fname, f in [('mime-attached-eml', 'forward.eml', 'clam.mail'),
                           ('mime-attached-mbox-uu', 'saved.mbox', 'clam.exe.mbox.uu')]:
        with open(tf + f, 'rb') as fh:
            mail(name, fname, fh.read())
    # ---- HTML smuggling: a page whose link hands over a program ----
    with open(tf + 'clam.exe.html', 'rb') as fh:
        mail('mime-html-datauri', 'invoice.html', fh.read(), 'text/html')
    import base64 as b64
    mail('mime-html-datauri-clean', 'letter.html',
         ('<html><body><p>Dear customer,</p><img alt="logo" src="data:image/png;base64,%s">'
          '<a href="data:text/plain,thank%%20you">note</a></body></html>\n'
          % b64.b64encode(PNG).decode()).encode(), 'text/html')
    mail('mime-attached-eml-clean', 'forward.eml',
         b'From: someone@example.org\nTo: rcpt@example.com\nSubject: minutes\n'
         b'Message-ID: <m1@example.org>\nMIME-Version: 1.0\n'
         b'Content-Type: text/plain\n\nThe minutes, as promised.\n')
finally:
    shutil.rmtree(tmp, ignore_errors=True)
