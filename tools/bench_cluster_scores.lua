-- wrk script for scripts/bench-cluster: POST /v1/poq/scores with one prompt and two outputs.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"prompt":"How do plants turn sunlight into chemical energy?",'
  .. '"outputs":["Photosynthesis: chlorophyll absorbs light and the plant builds glucose from carbon dioxide and water.",'
  .. '"The stock market closed higher on Friday after a volatile week."]}'
