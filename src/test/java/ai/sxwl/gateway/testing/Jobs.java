package ai.sxwl.gateway.testing;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/** Job rows written straight into the database, for tests that need many open jobs at once. */
@ApplicationScoped
public class Jobs {

    private final AgroalDataSource dataSource;

    Jobs(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Running jobs of {@code tenant}, due for a poll at {@code nextPollAt}. */
    public void insertRunning(List<String> jobIds, String tenant, Instant nextPollAt) {
        execute("INSERT INTO job (job_id, tenant, status, seq, created_at, updated_at, next_poll_at)"
                + " VALUES (?, ?, 'running', 1, ?, ?, ?)", jobIds, tenant, nextPollAt);
    }

    /** Takes jobs off the polling schedule, so they stop loading upstream for the tests after. */
    public void stopPolling(List<String> jobIds) {
        execute("UPDATE job SET next_poll_at = NULL WHERE job_id = ?", jobIds, null, null);
    }

    public void update(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i] instanceof Instant instant ? Timestamp.from(instant) : params[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void execute(String sql, List<String> jobIds, String tenant, Instant at) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (String jobId : jobIds) {
                statement.setString(1, jobId);
                if (tenant != null) {
                    Timestamp now = Timestamp.from(Instant.now());
                    statement.setString(2, tenant);
                    statement.setTimestamp(3, now);
                    statement.setTimestamp(4, now);
                    statement.setTimestamp(5, Timestamp.from(at));
                }
                statement.addBatch();
            }
            statement.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
