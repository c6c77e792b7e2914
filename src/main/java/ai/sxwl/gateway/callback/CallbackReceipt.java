package ai.sxwl.gateway.callback;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The raw record of one received callback (table {@code callback_receipt}) and what it did. A callback that changed
 * nothing (yet) keeps only the start of its body: anyone can post those, and the parsed fields are kept whole in
 * their own columns.
 */
record CallbackReceipt(String dedupeKey, CallbackRoute route, String submissionId, String jobId, String status,
                       String url, String body, ReceiptOutcome outcome, String note, Instant receivedAt) {

    /** How much of the body a callback that changed nothing keeps. */
    static final int KEPT_BODY_CHARS = 1024;

    static CallbackReceipt of(String dedupeKey, CallbackRoute route, String submissionId, String jobId,
                              ParsedCallback callback, ReceiptOutcome outcome, String note, Instant at) {
        return new CallbackReceipt(dedupeKey, route, submissionId, jobId, callback.status().wire(), callback.url(),
                outcome == ReceiptOutcome.APPLIED ? callback.body() : keptBody(callback.body()), outcome, note, at);
    }

    static String keptBody(String body) {
        return body.length() <= KEPT_BODY_CHARS ? body
                : body.substring(0, KEPT_BODY_CHARS) + "…[" + (body.length() - KEPT_BODY_CHARS)
                + " more characters not kept]";
    }

    void bind(PreparedStatement insert) throws SQLException {
        insert.setString(1, dedupeKey);
        insert.setString(2, route.wire());
        insert.setString(3, submissionId);
        insert.setString(4, jobId);
        insert.setString(5, status);
        insert.setString(6, url);
        insert.setString(7, body);
        insert.setString(8, outcome.wire());
        insert.setString(9, note);
        insert.setObject(10, receivedAt.atOffset(ZoneOffset.UTC));
    }
}
