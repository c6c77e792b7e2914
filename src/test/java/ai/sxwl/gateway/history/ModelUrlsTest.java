package ai.sxwl.gateway.history;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Model URL expiry in every signing form object stores hand out, from real-shaped URLs; '-' means no expiry. */
class ModelUrlsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // OSS V1, as SXWL signs its model URLs today
            "oss v1|https://b.oss-cn-beijing.aliyuncs.com/ai1%2Fds_model.bin?Expires=1702269241&OSSAccessKeyId=LTAI5t&Signature=bFu%3D|2023-12-11T04:34:01Z",
            "lower-case expires|https://h/p?a=1&expires=5|1970-01-01T00:00:05Z",
            // OSS V4 presigned: x-oss-date + x-oss-expires seconds
            "oss v4|https://examplebucket.oss-cn-hangzhou.aliyuncs.com/exampleobject.txt?x-oss-additional-headers=host&x-oss-credential=LTAI5tSIM%2F20241203%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20241203T121212Z&x-oss-expires=86400&x-oss-signature=d1f8f0e4a3&x-oss-signature-version=OSS4-HMAC-SHA256|2024-12-04T12:12:12Z",
            // S3 SigV4 presigned: X-Amz-Date + X-Amz-Expires seconds
            "s3 v4|https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404|2013-05-25T00:00:00Z",
            "s3 v4 on a MinIO host, 7 days|http://minio.local:9000/models/ai1/model.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=minio%2F20261127%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261127T101500Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=00ff|2026-12-04T10:15:00Z",
            "s3 v2 query string|https://awsexamplebucket1.s3.us-west-1.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAEXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620|2007-03-29T03:40:20Z",
            "no url|-|-",
            "no query|https://h/p|-",
            "expires not a number|https://h/p?Expires=soon|-",
            "another parameter ending in expires|https://h/p?NotExpires=5|-",
            "oss v4 without its date|https://b.oss-cn-hangzhou.aliyuncs.com/o?x-oss-expires=86400&x-oss-signature=ab|-",
            "s3 v4 without its expires|https://b.s3.amazonaws.com/o?X-Amz-Date=20130524T000000Z&X-Amz-Signature=ab|-",
            "s3 v4 with a garbled date|https://b.s3.amazonaws.com/o?X-Amz-Date=2013-05-24&X-Amz-Expires=60|-",
            "oss v4 with a garbled expires|https://b.oss-cn-hangzhou.aliyuncs.com/o?x-oss-date=20241203T121212Z&x-oss-expires=1d|-",
    }, nullValues = "-")
    void readsTheExpiryOfEachSigningForm(String form, String url, String expected) {
        assertEquals(expected == null ? null : Instant.parse(expected), ModelUrls.expiresAt(url));
    }
}
