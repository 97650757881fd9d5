#!/usr/bin/perl
# tests/cli/oracle/compare.pl EXPECTED.jsonl GOT.jsonl: compare the oracle's
# records (tsk-expect.pl) with spoor-files' JSONL, file for file.
#
# Prints one line per mismatch, "CATEGORY<TAB>message", and nothing when all
# agree; the test turns each category into one TAP check:
#   json   a GOT line is not a JSON object, or lacks a field of the contract
#          or has one of the wrong shape (reported once per field)
#   set    a file is missing from GOT, or GOT has one the oracle does not
#          (key: partition offset, path, inode[-attr], allocated)
#   hash   md5 / sha1 / sha256 differ, or content icat could not read has a
#          hash or no "error"
#   mime   libmagic type differs from `file -b --mime-type -`
#   type   file / dir / link / virtual ... differs from fls' meta type
#   size   size differs from fls -l
#   time   mtime / atime / ctime / crtime differ from fls -l
#   fs     partition slot or fstype differs
#
# Name sanitising: fls prints names through tsk_print_sanitized(), which
# turns bytes 0x00..0x1f into '^'; spoor prints the raw name (in path_hex
# when it is not valid UTF-8). GOT paths get the same mapping before they
# are compared, so "tab\there.txt" from spoor matches fls' "tab^here.txt".
use strict;
use warnings;
use JSON::PP;
use Encode ();

@ARGV == 2 or die "usage: $0 EXPECTED.jsonl GOT.jsonl\n";
my ($exp_file, $got_file) = @ARGV;
my $json = JSON::PP->new->utf8;
my $SHA256_EMPTY =
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

sub say_bad { my ($cat, $msg) = @_; $msg =~ s/[\t\n]/ /g; print "$cat\t$msg\n"; }

# raw path bytes of a record, sanitised like fls
sub path_bytes {
	my $r = shift;
	my $b;
	if (defined $r->{path_hex} && $r->{path_hex} =~ /^(?:[0-9a-fA-F]{2})*$/) {
		$b = pack('H*', $r->{path_hex});
	} else {
		$b = Encode::encode('UTF-8', $r->{path} // '');
	}
	$b =~ s/[\x00-\x1f]/^/g;
	return $b;
}

sub inode_key {
	my $r = shift;
	my $k = $r->{inode} // 'null';
	$k .= "-$r->{attr}" if defined $r->{attr};
	return $k;
}

sub key {
	my $r = shift;
	return join("\t", $r->{partition_offset} // 'null', path_bytes($r),
	    inode_key($r), $r->{allocated} ? 1 : 0);
}

# human-readable form of a key for messages (non-printable bytes as \xNN)
sub show {
	my $r = shift;
	my $p = path_bytes($r);
	$p =~ s/([^\x20-\x7e\x80-\xff])/sprintf('\\x%02x', ord $1)/ge;
	my $where = defined $r->{partition}
	    ? "partition $r->{partition} at $r->{partition_offset}: " : '';
	return sprintf("%s'%s' (inode %s%s)", $where, $p, inode_key($r),
	    $r->{allocated} ? '' : ', deleted');
}

# Field shapes of the JSONL contract (spoor-files(1), RECORDS); a problem is reported once per field
# with the number of records and the first line that has it.
my $HEX = sub { my ($n) = @_; sub { !defined $_[0] || $_[0] =~ /^[0-9a-f]{$n}$/ } };
my $INT = sub { defined $_[0] && !ref $_[0] && $_[0] =~ /^\d+$/ };
my $INT_OR_NULL = sub { !defined $_[0] || $INT->($_[0]) };
my $STR = sub { defined $_[0] && !ref $_[0] };
my $TIME = sub { !defined $_[0] ||
    $_[0] =~ /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/ };
my %SHAPE = (
	exhibit => [$STR, 'a string'],
	partition => [$INT_OR_NULL, 'an integer or null'],
	partition_offset => [$INT_OR_NULL, 'an integer or null'],
	fstype => [$STR, 'a string'],
	path => [$STR, 'a string'],
	name => [$STR, 'a string'],
	type => [sub { defined $_[0] && $_[0] =~
	    /^(file|dir|link|virtual|virtual-dir|fifo|socket|chardev|blockdev|unknown)$/ },
	    'a type of spoor-files(1)'],
	inode => [$INT, 'an integer'],
	allocated => [sub { JSON::PP::is_bool($_[0]) }, 'true or false'],
	size => [$INT, 'an integer'],
	mtime => [$TIME, 'YYYY-MM-DDTHH:MM:SS[.F]Z or null'],
	atime => [$TIME, 'YYYY-MM-DDTHH:MM:SS[.F]Z or null'],
	ctime => [$TIME, 'YYYY-MM-DDTHH:MM:SS[.F]Z or null'],
	crtime => [$TIME, 'YYYY-MM-DDTHH:MM:SS[.F]Z or null'],
	md5 => [$HEX->(32), '32 lower-case hex digits or null'],
	sha1 => [$HEX->(40), '40 lower-case hex digits or null'],
	sha256 => [$HEX->(64), '64 lower-case hex digits or null'],
);

sub load {
	my ($file, $check) = @_;
	open(my $fh, '<:raw', $file) or die "$0: cannot open '$file': $!\n";
	my %by_key;
	my %problem;	# message -> [count, first line]
	my $n = 0;
	while (my $line = <$fh>) {
		$n++;
		chomp $line;
		my $r = eval { $json->decode($line) };
		if (!$r || ref $r ne 'HASH') {
			say_bad('json', "$file line $n: not a JSON object: " .
			    substr($line, 0, 120));
			next;
		}
		if ($check) {
			my @p;
			for my $f (sort keys %SHAPE) {
				if (!exists $r->{$f}) {
					push @p, "no field '$f'";
				} elsif (!$SHAPE{$f}[0]->($r->{$f})) {
					push @p, "'$f' is not $SHAPE{$f}[1]";
				}
			}
			push @p, 'path has a leading slash'
			    if ($r->{path} // '') =~ m{^/};
			for (@p) {
				$problem{$_} //= [0, $n];
				$problem{$_}[0]++;
			}
		}
		push @{$by_key{key($r)}}, $r;
	}
	for (sort keys %problem) {
		say_bad('json', "$_ in $problem{$_}[0] records " .
		    "(first: line $problem{$_}[1])");
	}
	return \%by_key;
}

my $exp = load($exp_file, 0);
my $got = load($got_file, 1);

sub same { my ($a, $b) = @_; return (!defined $a && !defined $b) ||
    (defined $a && defined $b && $a eq $b); }
sub str { return defined $_[0] ? "'$_[0]'" : 'null'; }

for my $k (sort keys %$exp) {
	my @e = @{$exp->{$k}};
	my @g = @{$got->{$k} // []};
	for my $i (0 .. $#e) {
		my $e = $e[$i];
		my $g = $g[$i];
		if (!$g) {
			say_bad('set', 'missing: ' . show($e));
			next;
		}
		my $what = show($e);

		# content
		if ($e->{_no_data} && ($g->{sha256} // $SHA256_EMPTY) eq $SHA256_EMPTY) {
			# no data attribute at all: no hash (with or without
			# "error") or the hash of empty content are all fine
		} elsif ($e->{_uninit}) {
			# never written: all zeros by definition, not hashed
			say_bad('hash', "$what: never written (istat: " .
			    "init_size 0), but not marked uninitialised")
			    unless $g->{uninitialised};
			for my $h (qw(md5 sha1 sha256)) {
				say_bad('hash', "$what: uninitialised, but $h is " .
				    str($g->{$h})) if defined $g->{$h};
			}
		} elsif ($e->{_icat_error}) {
			for my $h (qw(md5 sha1 sha256)) {
				say_bad('hash', "$what: icat cannot read it, " .
				    "but $h is " . str($g->{$h}))
				    if defined $g->{$h};
			}
			say_bad('hash', "$what: icat cannot read it " .
			    "($e->{_icat_error}), but there is no 'error'")
			    unless defined $g->{error} && length $g->{error};
		} elsif (exists $e->{sha256}) {
			for my $h (qw(md5 sha1 sha256)) {
				next if same($e->{$h}, $g->{$h});
				say_bad('hash', "$what: $h " . str($g->{$h}) .
				    ", want " . str($e->{$h}) .
				    (defined $g->{error} ? " (error: $g->{error})" : ''));
			}
			say_bad('mime', "$what: mime " . str($g->{mime}) .
			    ", want " . str($e->{mime}))
			    unless same($e->{mime}, $g->{mime});
		}

		# metadata
		my %ok_type = map { $_ => 1 } split(/\|/, $e->{_types});
		say_bad('type', "$what: type " . str($g->{type}) .
		    ", want '$e->{_types}'")
		    unless defined $g->{type} && $ok_type{$g->{type}};
		say_bad('size', "$what: size " . str($g->{size}) .
		    ", want $e->{size}")
		    unless defined $g->{size} && $g->{size} eq $e->{size};
		for my $t (qw(mtime atime ctime crtime)) {
			# fls prints whole seconds (the fraction cut off), spoor
			# a fraction where the file system has one; fls prints 0
			# ("not set") as 0000-00-00, spoor may say null or the
			# epoch
			my $gt = $g->{$t};
			$gt =~ s/\.\d+Z$/Z/ if defined $gt && !ref $gt;
			next if same($e->{$t}, $gt);
			next if !defined $e->{$t} &&
			    ($gt // '') eq '1970-01-01T00:00:00Z';
			say_bad('time', "$what: $t " . str($g->{$t}) .
			    ", want " . str($e->{$t}));
		}
		say_bad('fs', "$what: partition " . str($g->{partition}) .
		    ", want " . str($e->{partition}))
		    unless same($e->{partition}, $g->{partition});
		say_bad('fs', "$what: fstype " . str($g->{fstype}) .
		    ", want " . str($e->{fstype}))
		    unless defined $g->{fstype} && lc $g->{fstype} eq $e->{fstype};
	}
	for my $i (@e .. $#g) {
		say_bad('set', 'extra (a second time): ' . show($g[$i]));
	}
}
for my $k (sort keys %$got) {
	next if $exp->{$k};
	say_bad('set', 'extra: ' . show($_)) for @{$got->{$k}};
}
