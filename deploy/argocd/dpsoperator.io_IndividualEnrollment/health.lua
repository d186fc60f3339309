-- Argo CD health check for dps-operator resources (IndividualEnrollment and
-- EnrollmentGroup share one status shape). Lua 5.1, as Argo CD runs it.
--
--   Progressing  the operator has not yet observed the current spec, has not
--                reported Ready yet, or hit a transient DPS failure it retries
--   Degraded     Ready=False with a terminal reason: it will not heal until the
--                spec or a referenced Secret changes
--   Suspended    paused (annotation dpsoperator.io/paused) while DPS differs
--                from the spec: the operator holds every DPS write
--   Healthy      Ready=True for the current generation
local hs = {}

-- Reasons of Ready=False that the operator retries on its own. Every other
-- False reason is terminal (InvalidSpec, InvalidSecret, SecretNotFound,
-- DpsUnauthorized, DuplicateRegistrationId, ...).
local transient = {
  DpsUnavailable = true,
  Throttled = true,
}

local function progressing(message)
  hs.status = "Progressing"
  hs.message = message
  return hs
end

if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
  return progressing("Removing the enrollment from DPS")
end

local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end

if obj.status == nil then
  return progressing("Waiting for the operator to reconcile")
end

local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  return progressing("Waiting for the operator to observe generation " .. tostring(generation))
end

local ready = nil
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" then
      ready = condition
    end
  end
end

if ready == nil then
  return progressing("Waiting for the Ready condition")
end

-- A Ready condition left over from an older spec says nothing about this one.
if generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation then
  return progressing("Waiting for the operator to observe generation " .. tostring(generation))
end

local message = ready.message
if message == nil or message == "" then
  message = ready.reason
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = message or "In sync with DPS"
  return hs
end

if ready.status == "False" then
  local text = (ready.reason or "NotReady")
  if ready.message ~= nil and ready.message ~= "" then
    text = text .. ": " .. ready.message
  end
  if ready.reason ~= nil and transient[ready.reason] then
    return progressing(text)
  end
  if ready.reason == "Paused" then
    hs.status = "Suspended"
    hs.message = text
    return hs
  end
  hs.status = "Degraded"
  hs.message = text
  return hs
end

return progressing(message or "Ready is Unknown")
