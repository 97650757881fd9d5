#!/usr/bin/perl
# tests/cli/oracle/doctor.pl perfect|broken < EXPECTED.jsonl > GOT.jsonl:
# turn the oracle's records into what spoor-files would print, to prove that
# compare.pl accepts a right answer and catches a wrong one (a test that
# cannot fail proves nothing).
#
#   perfect  spoor's shape: oracle-only "_" fields dropped, exhibit, name,
#            type and null hashes (directories ...) filled in, names
#            un-sanitised the way spoor prints them (fls' "tab^here.txt"
#            becomes "tab\there.txt")
#   broken   perfect, then: README.txt removed (set), docs/ghost.txt added
#            (set), sha256 of photos/holiday.jpg changed (hash), mime of
#            docs/report.pdf changed (mime), size of docs/data.csv changed
#            (size), mtime of bin/hello changed (time), pipe called a
#            file (type), a/b put in partition 1 (fs), one line that is
#            not JSON (json)
use strict;
use warnings;
use JSON::PP;

my $mode = shift // '';
$mode eq 'perfect' || $mode eq 'broken'
    or die "usage: $0 perfect|broken < EXPECTED > GOT\n";
my $json = JSON::PP->new->utf8->canonical;

my @out;
while (my $line = <STDIN>) {
	my $r = $json->decode($line);
	my $types = delete $r->{_types};
	delete $r->{$_} for grep { /^_/ } keys %$r;
	$r->{type} = (split(/\|/, $types))[0];
	$r->{exhibit} = 'self-test';
	exists $r->{$_} or $r->{$_} = undef for qw(md5 sha1 sha256);
	$r->{path} =~ s/^tab\^here\.txt$/tab\there.txt/;
	($r->{name} = $r->{path}) =~ s{.*/}{};
	if ($mode eq 'broken') {
		next if $r->{path} eq 'README.txt';
		$r->{sha256} =~ tr/0-9a-f/1-9a-f0/
		    if $r->{path} eq 'photos/holiday.jpg';
		$r->{mime} = 'text/plain' if $r->{path} eq 'docs/report.pdf';
		$r->{size}++ if $r->{path} eq 'docs/data.csv';
		$r->{mtime} = '1999-12-31T23:59:59Z' if $r->{path} eq 'bin/hello';
		$r->{type} = 'file' if $r->{path} eq 'pipe';
		$r->{partition} = 1 if $r->{path} eq 'a/b';
		if ($r->{path} eq 'empty.dat') {
			my %ghost = %$r;
			$ghost{path} = 'docs/ghost.txt';
			$ghost{name} = 'ghost.txt';
			push @out, $json->encode(\%ghost) . "\n";
			push @out, "{this is not json\n";
		}
	}
	push @out, $json->encode($r) . "\n";
}
print @out;
