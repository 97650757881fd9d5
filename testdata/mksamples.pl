#!/usr/bin/perl
# testdata/mksamples.pl DIR: write tiny, valid, byte-for-byte reproducible
# sample files of common types into DIR.
#
# Only core perl modules (a fresh Debian machine has them; ImageMagick,
# python and zip(1) may be missing). Every byte comes from a literal or a
# deterministic encoder with fixed times, so two runs give identical files.
#
#   sample.jpg   1x1 grey baseline JFIF (hand-built Huffman tables)
#   sample.png   8x8 RGB gradient (zlib + CRC from Compress::Zlib)
#   sample.gif   1x1 GIF89a
#   sample.pdf   one-page PDF 1.4 with a correct xref table
#   sample.zip   two stored/deflated members, fixed DOS times
#   sample.docx  minimal WordprocessingML package ([Content_Types].xml first)
#   sample.gz    gzip with fixed mtime and no file name
#   sample.elf   minimal x86-64 ELF executable that calls exit(0)
use strict;
use warnings;
use Compress::Zlib qw(compress crc32);
use IO::Compress::Zip qw(zip $ZipError ZIP_CM_DEFLATE ZIP_CM_STORE);
use IO::Compress::Gzip qw(gzip $GzipError);
use POSIX qw(tzset);

# zip stores local DOS times: pin the zone so the bytes do not depend on TZ.
$ENV{TZ} = "UTC";
tzset();

my $dir = shift or die "usage: $0 DIR\n";
-d $dir or die "$0: '$dir' is not a directory\n";

# 2024-01-02T03:04:05Z: the fixed time stamped into every container.
my $T0 = 1704164645;

sub put {
	my ($name, $data) = @_;
	open(my $fh, '>:raw', "$dir/$name") or die "$0: cannot write '$name': $!\n";
	print $fh $data;
	close($fh) or die "$0: cannot write '$name': $!\n";
}

sub hex2bin { my $h = join('', @_); $h =~ s/\s+//g; return pack('H*', $h); }

# JPEG: SOI, JFIF APP0, one all-ones quantisation table, SOF0 1x1 with one
# component, a DC and an AC Huffman table with a single 1-bit code each
# (category 0 / EOB), and a scan of two 0 bits padded with 1s (0x3f).
put('sample.jpg', hex2bin(
	'ffd8',
	'ffe0 0010 4a46494600 0101 00 0001 0001 0000',
	'ffdb 0043 00', '01' x 64,
	'ffc0 000b 08 0001 0001 01 01 11 00',
	'ffc4 0014 00 01', '00' x 15, '00',
	'ffc4 0014 10 01', '00' x 15, '00',
	'ffda 0008 01 01 00 00 3f 00',
	'3f',
	'ffd9'));

# PNG: 8x8 truecolour, filter byte 0 on every row.
sub png_chunk {
	my ($type, $data) = @_;
	return pack('N', length $data) . $type . $data .
	    pack('N', crc32($type . $data));
}
{
	my $raw = '';
	for my $y (0 .. 7) {
		$raw .= "\0";
		$raw .= pack("C3", $_ * 32, $y * 32, 128) for 0 .. 7;
	}
	put('sample.png', "\x89PNG\r\n\x1a\n" .
	    png_chunk('IHDR', pack('NNCCCCC', 8, 8, 8, 2, 0, 0, 0)) .
	    png_chunk('IDAT', compress($raw, 9)) .
	    png_chunk('IEND', ''));
}

# GIF: 1x1, 2-colour global table, one LZW-coded pixel.
put('sample.gif', hex2bin(
	'474946383961 0100 0100 80 00 00',
	'ffffff 000000',
	'2c 0000 0000 0100 0100 00',
	'02 02 4401 00',
	'3b'));

# PDF: objects are laid out first so the xref offsets are exact.
{
	my $text = "BT /F1 12 Tf 72 720 Td (spoor test document) Tj ET";
	my @obj = (
	    "<< /Type /Catalog /Pages 2 0 R >>",
	    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
	    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] " .
	    "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
	    "<< /Length " . length($text) . " >>\nstream\n$text\nendstream",
	    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	);
	my $pdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
	my @off;
	for my $i (0 .. $#obj) {
		push @off, length $pdf;
		$pdf .= ($i + 1) . " 0 obj\n$obj[$i]\nendobj\n";
	}
	my $xref = length $pdf;
	$pdf .= "xref\n0 " . (@obj + 1) . "\n0000000000 65535 f \n";
	$pdf .= sprintf("%010d 00000 n \n", $_) for @off;
	$pdf .= "trailer\n<< /Size " . (@obj + 1) . " /Root 1 0 R >>\n" .
	    "startxref\n$xref\n%%EOF\n";
	put('sample.pdf', $pdf);
}

# zip members: fixed time, no extra fields (Minimal), no data descriptor
# (Stream => 0 needs a seekable output, hence a scalar).
sub mkzip {
	my ($name, @members) = @_;
	my $out = '';
	my $zip;
	while (@members) {
		my ($mname, $data, $method) = splice(@members, 0, 3);
		my %opt = (Name => $mname, Time => $T0, Minimal => 1,
		    Stream => 0, CanonicalName => 1, ExtAttr => 0100644 << 16,
		    Method => $method);
		if (!$zip) {
			$zip = IO::Compress::Zip->new(\$out, %opt)
			    or die "$0: zip: $ZipError\n";
		} else {
			$zip->newStream(%opt) or die "$0: zip: $ZipError\n";
		}
		$zip->print($data);
	}
	$zip->close();
	put($name, $out);
}

mkzip('sample.zip',
    'hello.txt', "hello from inside a zip\n", ZIP_CM_STORE,
    'dir/lorem.txt', ("lorem ipsum dolor sit amet\n" x 40), ZIP_CM_DEFLATE);

# docx: libmagic recognises OOXML from the first member name
# ([Content_Types].xml) and a later "word/" member.
{
	my $ct = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' .
	    "\n" . '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' .
	    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' .
	    '<Default Extension="xml" ContentType="application/xml"/>' .
	    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' .
	    '</Types>';
	my $rels = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' .
	    "\n" . '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' .
	    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' .
	    '</Relationships>';
	my $doc = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' .
	    "\n" . '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' .
	    '<w:body><w:p><w:r><w:t>spoor test letter</w:t></w:r></w:p></w:body></w:document>';
	mkzip('sample.docx',
	    '[Content_Types].xml', $ct, ZIP_CM_DEFLATE,
	    '_rels/.rels', $rels, ZIP_CM_DEFLATE,
	    'word/document.xml', $doc, ZIP_CM_DEFLATE);
}

{
	my $out = '';
	gzip(\("gzip test line\n" x 100) => \$out, Time => $T0, Minimal => 1,
	    -Level => 9) or die "$0: gzip: $GzipError\n";
	put('sample.gz', $out);
}

# ELF64: header (64 bytes) + one PT_LOAD program header (56 bytes) + code
# "mov eax,60; xor edi,edi; syscall", loaded at 0x400000.
{
	my $base = 0x400000;
	my $code = hex2bin('b83c000000 31ff 0f05');
	my $ehsz = 64;
	my $phsz = 56;
	my $entry = $base + $ehsz + $phsz;
	my $size = $ehsz + $phsz + length $code;
	my $eh = "\x7fELF" . pack("CCCC", 2, 1, 1, 0) . "\0" x 8 .
	    pack("vvVQ<Q<Q<Vvvvvvv", 2, 0x3e, 1, $entry, $ehsz, 0, 0,
		$ehsz, $phsz, 1, 64, 0, 0);
	my $ph = pack('VVQ<Q<Q<Q<Q<Q<',
	    1, 5, 0, $base, $base, $size, $size, 0x1000);
	put('sample.elf', $eh . $ph . $code);
}
