#!/usr/bin/perl
# testdata/fix-vdisk.pl vmdk|vhd IMAGE UNIXTIME: pin the values qemu-img
# draws at random or from the clock, so a rebuilt image is byte-identical.
#
#   vmdk  descriptor "CID=xxxxxxxx": random content id -> 5b00d15c (cut to
#         the length qemu-img wrote)
#   vhd   footer (a copy at offset 0 and one in the last 512 bytes of a
#         dynamic disk): creation time (seconds since 2000-01-01, offset
#         24) and unique id (offset 68) fixed, checksum (offset 64, one's
#         complement of the byte sum without the checksum) recomputed
use strict;
use warnings;

@ARGV == 3 or die "usage: $0 vmdk|vhd IMAGE UNIXTIME\n";
my ($kind, $img, $time) = @ARGV;

open(my $fh, '+<:raw', $img) or die "$0: cannot open '$img': $!\n";
my $size = -s $fh;

sub rd { my ($off, $n) = @_; my $b;
	seek($fh, $off, 0) or die; read($fh, $b, $n) == $n or die "$0: short read\n";
	return $b; }
sub wr { my ($off, $b) = @_; seek($fh, $off, 0) or die; print $fh $b or die; }

if ($kind eq 'vmdk') {
	# the embedded descriptor lives in the first 64 KiB
	my $head = rd(0, $size < 65536 ? $size : 65536);
	# qemu-img prints the CID with "%x", not "%08x": 1..8 digits.  The
	# descriptor cannot grow, so the fixed id is cut to the same length
	# (the image then depends only on that length, 1 run in 16 differs)
	$head =~ /\nCID=([0-9a-f]{1,8})\n/ or die "$0: no CID in '$img'\n";
	wr($-[1], substr('5b00d15c', 0, length $1));
} elsif ($kind eq 'vhd') {
	my $vhd_time = $time - 946684800;
	my $uuid = pack('H*', '5b00d15c00004000800000000000000d');
	for my $off (0, $size - 512) {
		my $f = rd($off, 512);
		substr($f, 0, 8) eq 'conectix' or next;
		substr($f, 24, 4) = pack('N', $vhd_time);
		substr($f, 68, 16) = $uuid;
		substr($f, 64, 4) = "\0" x 4;
		my $sum = 0;
		$sum += $_ for unpack('C*', $f);
		substr($f, 64, 4) = pack('N', ~$sum & 0xffffffff);
		wr($off, $f);
	}
} else {
	die "$0: unknown kind '$kind'\n";
}
close($fh) or die "$0: cannot write '$img': $!\n";
