-- History benchmark data: 1,000,000 jobs over two tenants (alpha 70%, beta 30%) created over the past year, with
-- realistic specs and labels (experiment: 2,000 values of 500 jobs each; stage: 3 values; team: 20 values; a git
-- commit on one job in ten), 5 events each (5,000,000), one receipt and one delivery with one attempt each.
-- Set-based SQL.
-- Run on an empty, migrated database (the gateway's Flyway schema).
\set ON_ERROR_STOP on
SET synchronous_commit = off;
-- The search indexes are built once after the load instead of row by row.
DROP INDEX IF EXISTS job_search_trgm;
DROP INDEX IF EXISTS job_id_grams_gin;
DROP INDEX IF EXISTS job_id_trgm;
DROP INDEX IF EXISTS job_labels_gin;

INSERT INTO job (job_id, tenant, status, seq, upstream_status, model_url, model_url_expires_at, submission_id,
                 submission, created_at, updated_at, quiet_polls, failed_polls, not_found_polls, unconfirmed,
                 search_text, labels)
SELECT 'ai' || md5(i::text)::uuid,
       CASE WHEN abs(hashtext('tenant' || i)) % 10 < 7 THEN 'alpha' ELSE 'beta' END, -- independent of the status
       s.status,
       5,
       CASE s.status WHEN 'succeeded' THEN 'success' WHEN 'failed' THEN 'fail' ELSE 'working' END,
       CASE WHEN s.status = 'succeeded' THEN 'https://sxwl-ai.oss-cn-beijing.aliyuncs.com/ai' || i || '%2Fds_model.bin?Expires=1893456000&Signature=x' END,
       CASE WHEN s.status = 'succeeded' THEN timestamptz '2030-01-01' END,
       substr(md5('s' || i), 1, 22),
       spec.json,
       created,
       created + interval '2 hours',
       0, 0, 0, false,
       lower(spec.names),
       (jsonb_build_object('experiment', 'exp-' || (i % 2000), 'stage', (ARRAY['train', 'eval', 'sweep'])[1 + i % 3],
            'team', 'team-' || (i % 20))
        || CASE WHEN i % 10 = 0 THEN jsonb_build_object('git.sha', substr(md5('g' || i), 1, 12)) ELSE '{}' END)::text
FROM generate_series(1, 1000000) AS i
CROSS JOIN LATERAL (SELECT now() - (i * interval '31.5 seconds') AS created) t
CROSS JOIN LATERAL (SELECT CASE
        WHEN i % 100 < 70 THEN 'succeeded' WHEN i % 100 < 85 THEN 'failed' WHEN i % 100 < 93 THEN 'running'
        WHEN i % 100 < 95 THEN 'submitted' WHEN i % 100 < 98 THEN 'cancelled' ELSE 'lost' END AS status) s
CROSS JOIN LATERAL (SELECT
        (ARRAY['chatglm3-6b', 'llama-2-7b', 'qwen-14b-chat', 'baichuan2-13b', 'mistral-7b'])[1 + i % 5] || '-' || (i % 50) AS model,
        (ARRAY['alpaca-zh', 'belle-2m', 'sharegpt', 'firefly', 'coig'])[1 + (i / 7) % 5] AS dataset,
        (ARRAY['NVIDIA-GeForce-RTX-3090', 'NVIDIA-A100-SXM4-80GB', 'NVIDIA-H100'])[1 + i % 3] AS gpu) n
CROSS JOIN LATERAL (SELECT
        json_build_object('gpuNumber', 1 + i % 8, 'gpuType', n.gpu, 'ckptPath', '/data/ckpt', 'ckptVol', '10000',
            'modelPath', '/data/save', 'modelVol', '10000', 'imagePath', 'sxwl-registry.cn-beijing.cr.aliyuncs.com/sxwl-ai/finetune:v' || (i % 9),
            'jobType', 'GeneralJob', 'stopType', '1', 'stopTime', 60 + i % 600, 'pretrainedModelName', n.model,
            'pretrainedModelPath', '/data/model/' || n.model, 'datasetName', n.dataset, 'datasetPath', '/data/dataset/' || n.dataset,
            'env', json_build_object('HF_TOKEN', '***'))::text AS json,
        n.gpu || ' /data/ckpt /data/save sxwl-registry.cn-beijing.cr.aliyuncs.com/sxwl-ai/finetune:v' || (i % 9)
            || ' generaljob ' || n.model || ' /data/model/' || n.model || ' ' || n.dataset || ' /data/dataset/' || n.dataset AS names) spec;

-- Each event carries its tenant and its feed position (in the order the changes happened, as the feed sequencer
-- would have numbered them), so that the running gateway's sequencer has nothing to number while queries are measured.
INSERT INTO job_event (job_id, tenant, feed_position, seq, type, state_key, status, previous_status, upstream_status,
                       detected_by, model_url, occurred_at)
SELECT j.job_id, j.tenant, row_number() OVER (ORDER BY j.created_at + e.seq * interval '20 minutes', j.job_id, e.seq),
       e.seq, e.type, CASE WHEN e.type = 'model_available' THEN NULL ELSE e.type END,
       CASE WHEN e.seq = 1 THEN 'submitted' WHEN e.seq < 4 THEN 'running' ELSE j.status END,
       CASE WHEN e.seq = 1 THEN NULL WHEN e.seq = 2 THEN 'submitted' ELSE 'running' END,
       j.upstream_status, (ARRAY['submit', 'poll', 'poll', 'callback', 'poll'])[e.seq], NULL,
       j.created_at + e.seq * interval '20 minutes'
FROM job j
CROSS JOIN LATERAL (SELECT seq, CASE seq WHEN 1 THEN 'submitted' WHEN 2 THEN 'running' WHEN 3 THEN 'stalled'
        WHEN 4 THEN CASE WHEN j.status IN ('running', 'submitted') THEN 'model_available' ELSE j.status END
        ELSE 'model_available' END AS type FROM generate_series(1, 5) AS seq) e;

INSERT INTO callback_receipt (dedupe_key, route, job_id, status, url, body, outcome, received_at)
SELECT md5('r' || job_id), 'token', job_id, upstream_status, '',
       '{"jobId":"' || job_id || '","status":"' || upstream_status || '","url":""}', 'applied',
       created_at + interval '80 minutes'
FROM job;

INSERT INTO webhook_delivery (message_id, tenant, target_key, url, job_id, seq, event_id, event_type, body, state,
                              attempts, last_status, created_at, updated_at)
SELECT 'msg_' || md5('d' || job_id), tenant, 'job', 'https://receiver.example/hook', job_id, 4,
       job_id || ':' || status, 'ai.sxwl.job.' || status, '{"status":"' || upstream_status || '","job_id":"' || job_id || '"}',
       CASE WHEN abs(hashtext(job_id)) % 50 = 0 THEN 'dead' ELSE 'delivered' END, 1, 200,
       created_at + interval '80 minutes', created_at + interval '81 minutes'
FROM job;

INSERT INTO delivery_attempt (delivery_id, attempted_at, status_code, latency_ms, response_excerpt)
SELECT id, updated_at, CASE WHEN state = 'dead' THEN 500 ELSE 200 END, 20 + id % 80, 'ok'
FROM webhook_delivery;

SELECT setval('job_event_feed_position', (SELECT max(feed_position) FROM job_event));

CREATE INDEX job_search_trgm ON job USING gin (search_text gin_trgm_ops);
CREATE INDEX job_id_grams_gin ON job USING gin (id_grams);
CREATE INDEX job_id_trgm ON job USING gin (lower(job_id) gin_trgm_ops);
CREATE INDEX job_labels_gin ON job USING gin ((labels::jsonb) jsonb_path_ops);
VACUUM ANALYZE job, job_event, callback_receipt, webhook_delivery, delivery_attempt;
