package ai.sxwl.gateway.history;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ModelUrlsTest {

    @Test
    void readsExpiresFromTheSignedUrl() {
        String url = "https://b.oss-cn-beijing.aliyuncs.com/ai1%2Fds_model.bin?Expires=1702269241"
                + "&OSSAccessKeyId=LTAI5t&Signature=bFu%3D";
        assertEquals(Instant.ofEpochSecond(1702269241), ModelUrls.expiresAt(url));
        assertEquals(Instant.ofEpochSecond(5), ModelUrls.expiresAt("https://h/p?a=1&expires=5"));
    }

    @Test
    void noReadableExpiresGivesNull() {
        assertNull(ModelUrls.expiresAt(null));
        assertNull(ModelUrls.expiresAt("https://h/p"));
        assertNull(ModelUrls.expiresAt("https://h/p?Expires=soon"));
        assertNull(ModelUrls.expiresAt("https://h/p?NotExpires=5"));
    }
}
