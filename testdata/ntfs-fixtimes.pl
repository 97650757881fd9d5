#!/usr/bin/perl
# testdata/ntfs-fixtimes.pl IMAGE FROM TO FIXED: in every NTFS "FILE" (MFT)
# and "INDX" (index) record of IMAGE, replace each 64-bit FILETIME between
# the Unix times FROM and TO (inclusive) by the Unix time FIXED.
#
# Why: ntfscp (libntfs-3g) stamps the current time into $STANDARD_INFORMATION,
# $FILE_NAME and the parent's index entry, and has no option or environment
# variable to pin it. The script knows when it ran ntfscp (FROM..TO), so
# those values, and only those, are the build time; rewriting them makes the
# image reproducible. Timestamps are 8-byte aligned in both record kinds, so
# only aligned words are looked at; a random match in the few seconds'
# window of 100 ns ticks is practically impossible.
#
# NTFS records carry an update sequence ("fixups"): the last two bytes of
# every 512-byte stride hold the update sequence number and the real bytes
# live in the update sequence array. The record is decoded, patched and
# encoded again, so a time that straddles a stride end is handled too.
use strict;
use warnings;

@ARGV == 4 or die "usage: $0 IMAGE FROM TO FIXED\n";
my ($img, $from, $to, $fixed) = @ARGV;

# FILETIME: 100 ns ticks since 1601-01-01.
my $EPOCH_DIFF = 11644473600;
sub ft { return ($_[0] + $EPOCH_DIFF) * 10_000_000; }
my ($lo, $hi, $new) = (ft($from), ft($to + 1) - 1, ft($fixed));

open(my $fh, '+<:raw', $img) or die "$0: cannot open '$img': $!\n";
my $data = do { local $/; <$fh> };
my $changed = 0;

for (my $off = 0; $off + 1024 <= length $data; $off += 512) {
	my $sig = substr($data, $off, 4);
	next unless $sig eq 'FILE' || $sig eq 'INDX';
	my ($usa_ofs, $usa_cnt) = unpack('vv', substr($data, $off + 4, 4));
	next if $usa_cnt < 2 || $usa_cnt > 17 || $usa_ofs < 8;
	my $size = ($usa_cnt - 1) * 512;
	next if $off + $size > length $data;
	my $rec = substr($data, $off, $size);
	my $usn = substr($rec, $usa_ofs, 2);

	# decode; a record whose fixups do not match is left alone
	my $ok = 1;
	for my $i (1 .. $usa_cnt - 1) {
		my $end = $i * 512 - 2;
		if (substr($rec, $end, 2) ne $usn) { $ok = 0; last; }
		substr($rec, $end, 2) = substr($rec, $usa_ofs + 2 * $i, 2);
	}
	next unless $ok;

	my $n = 0;
	for (my $p = 0; $p + 8 <= $size; $p += 8) {
		my $v = unpack('Q<', substr($rec, $p, 8));
		next if $v < $lo || $v > $hi;
		substr($rec, $p, 8) = pack('Q<', $new);
		$n++;
	}
	next unless $n;

	# encode again with the same sequence number
	for my $i (1 .. $usa_cnt - 1) {
		my $end = $i * 512 - 2;
		substr($rec, $usa_ofs + 2 * $i, 2) = substr($rec, $end, 2);
		substr($rec, $end, 2) = $usn;
	}
	substr($data, $off, $size) = $rec;
	$changed += $n;
	$off += $size - 512;
}

seek($fh, 0, 0) or die "$0: seek '$img': $!\n";
print $fh $data;
close($fh) or die "$0: cannot write '$img': $!\n";
print STDERR "$0: $changed timestamps rewritten\n" if $ENV{VERBOSE};
