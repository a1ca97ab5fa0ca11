#!/bin/sh
# Regenerates the fixed certificates tst_downloads serves from its loopback TLS server (run from
# anywhere; needs the openssl 3 CLI). They are committed, so the tests never run this:
#   selfsigned.crt/.key  CN=127.0.0.1, self-signed: "not trusted"
#   testca.crt/.key      a test CA that the tests add to the trusted roots
#   expired.crt          signed by the test CA for 127.0.0.1, valid only in 2000: "expired"
#   otherhost.crt        signed by the test CA for other.example, not 127.0.0.1: "wrong host"
#   leaf.key             the key of expired.crt and otherhost.crt
# `openssl x509 -req -days` cannot put a validity window in the past, so the CA-signed ones are
# issued with `openssl ca`, which takes explicit -startdate/-enddate.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout selfsigned.key -out selfsigned.crt
openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=Tern test CA" \
  -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign \
  -keyout testca.key -out testca.crt
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf.key

touch "$work/index.txt"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test_ca
[test_ca]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
rand_serial = yes
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = copy
[anything]
commonName = supplied
[leaf]
basicConstraints = CA:false
extendedKeyUsage = serverAuth
CNF

# issue NAME CN SAN STARTDATE ENDDATE (dates as YYYYMMDDHHMMSSZ)
issue() {
  openssl req -new -key leaf.key -subj "/CN=$2" -addext "subjectAltName=$3" -out "$work/$1.csr"
  openssl ca -batch -config "$work/ca.cnf" -extensions leaf -cert testca.crt -keyfile testca.key \
    -startdate "$4" -enddate "$5" -in "$work/$1.csr" -out "$1.crt" -notext
}
issue expired 127.0.0.1 IP:127.0.0.1 20000101000000Z 20010101000000Z
issue otherhost other.example DNS:other.example 20250101000000Z 21250101000000Z
