// minio-remote-target registers a replication remote target on a MinIO bucket through MinIO's
// admin API (madmin-go SetRemoteTarget, what `mc admin bucket remote add` does) and prints the
// ARN that a PutBucketReplication rule names as its destination bucket. The test harness
// builds it (scripts/bootstrap.sh, cached under $S3ENC_CACHE_DIR/servers) and runs it once per
// replication pair; everything else (versioning, the replication rule) goes through S3.
//
// Input is the environment, never argv, so that no secret shows in a process listing:
//
//	S3ENC_ADMIN_ENDPOINT     source MinIO, host:port (TLS)
//	S3ENC_ADMIN_ACCESS_KEY   source credentials (admin)
//	S3ENC_ADMIN_SECRET_KEY
//	S3ENC_ADMIN_CA_FILE      PEM bundle the tool trusts for the source
//	S3ENC_SOURCE_BUCKET      the bucket whose objects replicate
//	S3ENC_TARGET_ENDPOINT    destination MinIO, host:port (TLS; the source server must trust it)
//	S3ENC_TARGET_ACCESS_KEY  credentials the source server uses at the destination
//	S3ENC_TARGET_SECRET_KEY
//	S3ENC_TARGET_BUCKET      destination bucket (versioned)
//	S3ENC_TARGET_REGION      destination Region (optional)
//
// Exit 0 with the ARN alone on stdout; exit 2 for missing input, 1 for a refused request (the
// server's message on stderr).
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/minio/madmin-go/v3"
)

func need(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "minio-remote-target: %s is not set\n", name)
		os.Exit(2)
	}
	return v
}

func main() {
	endpoint := need("S3ENC_ADMIN_ENDPOINT")
	access := need("S3ENC_ADMIN_ACCESS_KEY")
	secret := need("S3ENC_ADMIN_SECRET_KEY")
	caFile := need("S3ENC_ADMIN_CA_FILE")
	source := need("S3ENC_SOURCE_BUCKET")
	target := &madmin.BucketTarget{
		SourceBucket: source,
		Endpoint:     need("S3ENC_TARGET_ENDPOINT"),
		Credentials: &madmin.Credentials{
			AccessKey: need("S3ENC_TARGET_ACCESS_KEY"),
			SecretKey: need("S3ENC_TARGET_SECRET_KEY"),
		},
		TargetBucket: need("S3ENC_TARGET_BUCKET"),
		Secure:       true,
		Type:         madmin.ReplicationService,
		Region:       os.Getenv("S3ENC_TARGET_REGION"),
		API:          "s3v4",
	}

	pem, err := os.ReadFile(caFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "minio-remote-target: reading %s: %v\n", caFile, err)
		os.Exit(2)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		fmt.Fprintf(os.Stderr, "minio-remote-target: %s holds no PEM certificate\n", caFile)
		os.Exit(2)
	}
	adm, err := madmin.New(endpoint, access, secret, true)
	if err != nil {
		fmt.Fprintf(os.Stderr, "minio-remote-target: %v\n", err)
		os.Exit(2)
	}
	adm.SetCustomTransport(&http.Transport{
		TLSClientConfig:       &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		ResponseHeaderTimeout: 30 * time.Second,
	})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	arn, err := adm.SetRemoteTarget(ctx, source, target)
	if err != nil {
		fmt.Fprintf(os.Stderr, "minio-remote-target: SetRemoteTarget on %s: %v\n", source, err)
		os.Exit(1)
	}
	fmt.Println(arn)
}
