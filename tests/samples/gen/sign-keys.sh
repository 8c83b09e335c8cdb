# Signing keys for the sign filter's samples (sign-*.test): an RSA and
# an Ed25519 key, the sign-keys tables that name them, and their public
# halves as a dkim-keys file.
#   bash sign-keys.sh OUTDIR  ->  OUTDIR/keys/sign-table, sign-table-missing, sign-public
set -e
k=$1/keys
mkdir -p "$k"
openssl genrsa -out "$k/sign-rsa.pem" 2048 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$k/sign-ed.pem"
printf 'example.org rsa sign-rsa.pem\nexample.org ed sign-ed.pem\n' >"$k/sign-table"
printf 'example.org rsa %s/no-such-key.pem\n' "$k" >"$k/sign-table-missing"
rsa=$(openssl rsa -in "$k/sign-rsa.pem" -pubout -outform DER 2>/dev/null | base64 -w0)
ed=$(openssl pkey -in "$k/sign-ed.pem" -pubout -outform DER | tail -c 32 | base64 -w0)
printf 'rsa._domainkey.example.org v=DKIM1; k=rsa; p=%s\ned._domainkey.example.org v=DKIM1; k=ed25519; p=%s\n' \
	"$rsa" "$ed" >"$k/sign-public"
