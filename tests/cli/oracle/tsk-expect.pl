#!/usr/bin/perl
# tests/cli/oracle/tsk-expect.pl [--cache DIR] IMAGE: print, one JSON object
# per line, what a correct `spoor-files --format=jsonl IMAGE` must report,
# worked out only with TSK's command-line tools and coreutils (the
# independent oracle):
#
#   mmls IMAGE                      partitions (slot, start sector); none
#                                   when mmls fails: a bare file system
#   fsstat [-o START] IMAGE         fstype ("File System Type:", lower case)
#   fls -r -p -l -z UTC [-o START]  every name, allocated and deleted ("*"),
#                                   orphans under $OrphanFiles, NTFS streams
#                                   as name:stream with INODE-TYPE-ID,
#                                   virtual files; size and the four times
#   icat [-o START] IMAGE ADDR      content of each regular / virtual file,
#                                   hashed by md5sum, sha1sum, sha256sum and
#                                   typed by `file -b --mime-type -`
#
# The records carry the spoor-files field names (partition, partition_offset,
# fstype, path, path_hex, type, inode, attr, allocated, size, mtime, atime,
# ctime, crtime, md5, sha1, sha256, mime). Oracle-only fields start with "_":
#   _types       the spoor type(s) this entry may have, '|' between several
#                (TSK's meta type letter mapped to spoor-files(1)'s names)
#   _icat_error  icat could not read the content, or gave fewer bytes than
#                the size: spoor must give null hashes and an "error" field
#   _no_data     with _icat_error: the entry has no data attribute at all
#                (size 0), e.g. NTFS's unused MFT entries 16..23
#
# Paths are exactly as fls prints them, i.e. SANITISED: TSK's
# tsk_print_sanitized() turns every byte 0x00..0x1f into '^' (other bytes,
# even invalid UTF-8, pass unchanged). compare.pl maps spoor's raw paths the
# same way before comparing. A path that is not valid UTF-8 is written the
# spoor way: lossy "path" plus "path_hex" with the raw bytes.
#
# Exit status: 0, or non-zero with a message when a TSK tool fails where it
# must not (no file system in a data partition, fls error).
use strict;
use warnings;
use JSON::PP;
use File::Temp qw(tempdir);
use Encode ();
use IO::Handle;
use POSIX ();

my $cache;
if (@ARGV == 3 && $ARGV[0] eq '--cache') {
	(undef, $cache) = splice(@ARGV, 0, 2);
	-d $cache or die "$0: '$cache' is not a directory\n";
}
@ARGV == 1 or die "usage: $0 [--cache DIR] IMAGE\n";
my $img = shift;
-e $img or die "$0: '$img': no such file\n";

$ENV{TZ} = 'UTC';
$ENV{LC_ALL} = 'C';

my $json = JSON::PP->new->canonical->utf8;
my $tmp = tempdir('spoor-oracle.XXXXXX', TMPDIR => 1, CLEANUP => 1);

# run_lines CMD...: the command's stdout as raw lines (no shell) and its
# exit status.
sub run_lines {
	my @cmd = @_;
	open(my $p, '-|', @cmd) or die "$0: cannot run '$cmd[0]': $!\n";
	binmode($p);
	my @l = <$p>;
	close($p);
	chomp(@l);
	return ($? >> 8, @l);
}

sub run_quiet {
	# stderr of the TSK tools is only noise here; failures show in status
	open(my $save, '>&', \*STDERR) or die;
	open(STDERR, '>', '/dev/null') or die;
	my @r = run_lines(@_);
	open(STDERR, '>&', $save) or die;
	return @r;
}

# fs_key SLOT: SHA-256 of the file system's bytes as TSK reads them (the
# whole image when SLOT is undef, else partition SLOT)
sub fs_key {
	my $slot = shift;
	my $cmd = defined $slot ? 'mmcat "$1" "$2"' : 'img_cat "$1"';
	my ($rc, $line) = run_quiet('bash', '-c',
	    "set -o pipefail; $cmd | sha256sum", 'sh', $img, $slot // '');
	$rc == 0 && $line =~ /^([0-9a-f]{64}) / or die "$0: cannot read '$img'\n";
	return $1;
}

sub read_json {
	my $f = shift;
	open(my $fh, '<:raw', $f) or die "$0: '$f': $!\n";
	local $/;
	return $json->decode(<$fh>);
}

# ---------------------------------------------------------------------------
# partitions
# ---------------------------------------------------------------------------
my @parts;	# [slot or undef, start sector]
my ($rc, @mmls) = run_quiet('mmls', $img);
my $sector = 512;
if ($rc == 0) {
	for (@mmls) {
		$sector = $1 if /^Units are in (\d+)-byte sectors/;
		# "002:  000:001   0000010240   0000026623   0000016384   Linux"
		# slot: first column; data partitions have a table:slot (DOS) or a
		# number (GPT) in the second, "Meta" and "-------" are not file
		# systems
		next unless /^(\d+):\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)/;
		my ($slot, $what, $start) = ($1, $2, $3);
		next unless $what =~ /^\d+(:\d+)?$/;
		push @parts, [0 + $slot, 0 + $start];
	}
	@parts or die "$0: '$img': mmls found no data partition\n";
} else {
	@parts = ([undef, 0]);
}

# ---------------------------------------------------------------------------
# entries
# ---------------------------------------------------------------------------
my %meta_type = (
	'r' => 'file', 'd' => 'dir', 'l' => 'link', 'p' => 'fifo',
	'h' => 'socket', 'c' => 'chardev', 'b' => 'blockdev',
	'v' => 'virtual', 'V' => 'virtual-dir', 's' => 'unknown',
	'w' => 'unknown',
);
# TSK's name types use other letters: 's' is a socket here, 'h' a shadow
my %name_type = (
	'r' => 'file', 'd' => 'dir', 'l' => 'link', 'p' => 'fifo',
	's' => 'socket', 'c' => 'chardev', 'b' => 'blockdev',
	'v' => 'virtual', 'V' => 'virtual-dir', 'h' => 'unknown',
	'w' => 'unknown', '-' => 'unknown',
);

sub iso_time {
	my $t = shift;
	return undef if $t =~ /^0000-00-00/;
	$t =~ /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) \(UTC\)$/
	    or die "$0: unexpected time '$t' in fls output\n";
	return "$1T$2Z";
}

my @rec;
my @hash_jobs;	# [record, icat address, offset arguments]
for my $p (@parts) {
	my ($slot, $start) = @$p;
	my @off = $start ? ('-o', $start) : ();
	my $fskey = $cache ? fs_key($slot) : undef;

	my ($frc, @fs) = run_quiet('fsstat', @off, $img);
	$frc == 0 or die "$0: '$img' @off: fsstat found no file system\n";
	my ($fstype) = map { /^File System Type: (\S+)/ ? lc $1 : () } @fs;

	my ($lrc, @fls) = run_quiet('fls', '-r', '-p', '-l', '-z', 'UTC',
	    @off, $img);
	$lrc == 0 or die "$0: '$img' @off: fls failed\n";

	for my $line (@fls) {
		# "r/r * 42(realloc):\tdocs/x.txt\tMTIME\tATIME\tCTIME\tCRTIME\tSIZE\tUID\tGID"
		my ($types, $addr, $rest) = $line =~
		    /^(\S+) ((?:\* )?[0-9]+(?:-[0-9]+-[0-9]+)?(?:\(realloc\))?):\t(.*)$/s
		    or die "$0: cannot parse fls line '$line'\n";
		my @f = split(/\t/, $rest, -1);
		@f == 8 or die "$0: unexpected fls -l line '$line'\n";
		my ($path, $mt, $at, $ct, $crt, $size) = @f;
		my ($nt, $mtc) = split(m{/}, $types, 2);
		my $alloc = $addr =~ s/^\* // ? JSON::PP::false : JSON::PP::true;
		$addr =~ s/\(realloc\)$//;
		my ($inode, $attr) = $addr =~ /^(\d+)(?:-(\d+-\d+))?$/;

		my %r = (
			partition => $slot,
			partition_offset => $start * $sector,
			fstype => $fstype,
			inode => 0 + $inode,
			allocated => $alloc,
			size => 0 + $size,
			mtime => iso_time($mt),
			atime => iso_time($at),
			ctime => iso_time($ct),
			crtime => iso_time($crt),
			_types => $mtc eq '-' ? $name_type{$nt} // 'unknown'
			    : $meta_type{$mtc} // 'unknown',
		);
		$r{attr} = $attr if defined $attr;
		my $u = $path;
		if (utf8::decode($u)) {
			$r{path} = $u;
		} else {
			$r{path} = Encode::decode('UTF-8', $path);
			$r{path_hex} = unpack('H*', $path);
		}
		push @rec, \%r;
		if ($r{_types} eq 'file' || $r{_types} eq 'virtual') {
			push @hash_jobs, [\%r, $addr, \@off, $fskey];
		}
	}
}

# ---------------------------------------------------------------------------
# contents: icat each file into a scratch file (several icats at a time:
# each one costs ~50 ms of start-up, SPOOR_ORACLE_JOBS sets how many run at
# once), then hash them in batches
#
# With --cache DIR, results are kept per file system, keyed by the SHA-256
# of its bytes as TSK reads them (img_cat for a bare image, mmcat for a
# partition): the same file system met again (fat.img as partition 002 of
# disk-mbr.img and 004 of disk-gpt.img) is not icat'ed twice. icat's
# output depends only on those bytes and the address, so this is exact.
# ---------------------------------------------------------------------------
my @CONTENT = qw(md5 sha1 sha256 mime _icat_error _no_data _uninit);
my %cached;	# fskey -> { addr -> { content fields } }
my @todo;
for my $j (@hash_jobs) {
	my ($r, $addr, $off, $fskey) = @$j;
	if ($fskey && !$cached{$fskey}) {
		my $cf = "$cache/$fskey.json";
		$cached{$fskey} = -e $cf ? read_json($cf) : {};
	}
	my $c = $fskey ? $cached{$fskey}{$addr} : undef;
	if ($c) {
		exists $c->{$_} and $r->{$_} = $c->{$_} for @CONTENT;
	} else {
		push @todo, $j;
	}
}

my $max = $ENV{SPOOR_ORACLE_JOBS} || do {
	my ($c, $nproc) = run_quiet('nproc');
	$c == 0 && $nproc =~ /^\d+$/ ? $nproc : 2;
};
my (%running, %status);
my $n = 0;
for my $j (@todo) {
	my ($r, $addr, $off) = @$j;
	my $f = "$tmp/" . $n++;
	$j->[4] = $f;
	while (keys %running >= $max) {
		my $pid = wait;
		$status{delete $running{$pid}} = $?;
	}
	STDOUT->flush();
	my $pid = fork() // die "$0: fork: $!\n";
	if (!$pid) {
		# the child only execs: POSIX::_exit skips the END blocks
		# (File::Temp would remove the parent's scratch dir)
		open(STDOUT, '>:raw', $f) && open(STDERR, '>', "$f.err") &&
		    exec('icat', @$off, $img, $addr);
		POSIX::_exit(127);
	}
	$running{$pid} = $f;
}
while (keys %running) {
	my $pid = wait;
	last if $pid < 0;
	$status{delete $running{$pid}} = $?;
}

# init_size of the attribute ADDR (INODE-TYPE-ID) as istat prints it, or
# undef when istat says nothing of it (not NTFS).
sub init_size {
	my ($img, $off, $addr) = @_;
	my ($inode, $type_id) = $addr =~ /^(\d+)-(\d+-\d+)$/ or return undef;
	open(my $p, '-|', 'istat', @$off, $img, $inode) or return undef;
	my $init;
	while (<$p>) {
		$init = $1 if /\($type_id\).*init_size: (\d+)/;
	}
	close($p);
	return $init;
}

my @ok;
for my $j (@todo) {
	my ($r, $addr, $off, $fskey, $f) = @$j;
	if ($status{$f} != 0) {
		open(my $e, '<', "$f.err");
		my $msg = join('', <$e>);
		$msg =~ s/\s+/ /g;
		$r->{_icat_error} = $msg || 'icat failed';
		# an entry with no data attribute at all (NTFS's unused
		# reserved MFT entries 16..23 under $OrphanFiles): not a read
		# error of the evidence; compare.pl accepts no hash, with or
		# without "error", or the hashes of empty content
		$r->{_no_data} = JSON::PP::true
		    if $r->{size} == 0 && $msg =~ /Attribute \d+ not found/;
		$r->{$_} = undef for qw(md5 sha1 sha256 mime);
		next;
	}
	# icat succeeded but gave less than the size fls reports.  On NTFS
	# istat tells why: bytes past a stream's init_size read as zeros
	# (icat stops there).  A stream never written (init_size 0, like
	# $BadClus:$Bad) is expected as "uninitialised" and not hashed; one
	# written in part is expected as its bytes plus zeros to its size.
	# Anything else could not be read completely (null hashes, "error").
	my $got = -s $f;
	my $init = $got < $r->{size} ? init_size($img, $off, $addr) : undef;
	if (defined $init && $init == 0) {
		$r->{_uninit} = JSON::PP::true;
		$r->{$_} = undef for qw(md5 sha1 sha256 mime);
		next;
	}
	if (defined $init && $init == $got) {
		truncate($f, $r->{size}) or die "$0: truncate '$f': $!\n";
		$got = -s $f;
	}
	if ($got < $r->{size}) {
		$r->{_icat_error} = "icat gave $got of $r->{size} bytes";
		$r->{$_} = undef for qw(md5 sha1 sha256 mime);
		next;
	}
	push @ok, [$r, $f];
}

# One process per tool and batch: md5sum/sha1sum/sha256sum print one line
# per file, `file -b --mime-type` one type per file. `file` on an EMPTY
# regular file says inode/x-empty, on empty content read from a pipe (the
# way spoor sees bytes) application/x-empty: empty files go through a pipe.
my @tools = (['md5', 'md5sum'], ['sha1', 'sha1sum'], ['sha256', 'sha256sum'],
    ['mime', 'file', '-b', '--mime-type']);
my @full = grep { -s $_->[1] } @ok;
my @empty = grep { !-s $_->[1] } @ok;
if (@empty) {
	my ($mrc, $mime) = run_quiet('sh', '-c', ': | file -b --mime-type -');
	$_->[0]{mime} = $mime for @empty;
}
for my $t (@tools) {
	my ($k, @cmd) = @$t;
	my @set = $k eq 'mime' ? @full : @ok;
	for (my $i = 0; $i < @set; $i += 200) {
		my @batch = @set[$i .. ($i + 199 < $#set ? $i + 199 : $#set)];
		my ($src, @out) = run_lines(@cmd, map { $_->[1] } @batch);
		$src == 0 && @out == @batch or die "$0: $cmd[0] failed\n";
		for my $b (0 .. $#batch) {
			my $v = $out[$b];
			if ($k ne 'mime') {
				($v) = $v =~ /^([0-9a-f]+) /
				    or die "$0: odd $cmd[0] line '$out[$b]'\n";
			}
			$batch[$b][0]{$k} = $v;
		}
	}
}

if ($cache) {
	my %dirty;
	for my $j (@todo) {
		my ($r, $addr, $off, $fskey) = @$j;
		next unless $fskey;
		$cached{$fskey}{$addr} =
		    { map { exists $r->{$_} ? ($_ => $r->{$_}) : () } @CONTENT };
		$dirty{$fskey} = 1;
	}
	for my $k (keys %dirty) {
		my $cf = "$cache/$k.json";
		open(my $fh, '>:raw', "$cf.tmp") or die "$0: '$cf.tmp': $!\n";
		print $fh $json->encode($cached{$k});
		close($fh) or die "$0: '$cf.tmp': $!\n";
		rename("$cf.tmp", $cf) or die "$0: '$cf': $!\n";
	}
}

print $json->encode($_), "\n" for @rec;
