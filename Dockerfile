# dps-operator image, from the jar the Maven build produces:
#
#   mvn -B -DskipTests -Poperator-image package
#
# (-Poperator-image leaves out the demo's embedded Kubernetes API and the Vert.x it brings;
#  the operator never uses them.)
#   docker build -t ghcr.io/dps-operator/dps-operator:0.1.0 .
#
# The jar is self-contained (shaded); the image adds only a JRE.
FROM eclipse-temurin:17-jre

LABEL org.opencontainers.image.title="dps-operator" \
      org.opencontainers.image.description="Azure IoT Hub DPS enrollments as Kubernetes resources"

WORKDIR /app
# Owned by root and not writable by the runtime user.
COPY target/dps-operator.jar /app/dps-operator.jar

# Non-root, numeric so that Kubernetes can check runAsNonRoot without /etc/passwd.
USER 65532:65532

# Health (/healthz, /readyz) and metrics (/metrics): DPS_OPERATOR_HTTP_PORT.
EXPOSE 8080

# JVM sized for a small pod (docs/install.md, "Memory"): heap at most half the container's memory
# limit, the serial collector (one core, little overhead) with a small young generation and a heap
# that shrinks back to the live set, the C1 compiler only (the C2 compiler's code and its native
# arenas cost ~50 MiB of RSS; an operator waits on I/O, not on compiled code), bounded metaspace,
# code cache and thread stacks, and an exit (so Kubernetes restarts the pod) rather than limping on
# after an OutOfMemoryError. The chart's jvmOptions replaces the whole list; docs/install.md repeats it.
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+UseSerialGC -Xmn16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:TieredStopAtLevel=1 -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=32m -Xss512k -XX:+ExitOnOutOfMemoryError"
# At most two glibc malloc arenas: with one arena per thread (the default allows 8 per core), the
# native memory the JVM frees stays mapped in each thread's arena and the RSS grows past what the
# JVM's own accounting (Native Memory Tracking) shows; docs/benchmarks.md measures the difference.
ENV MALLOC_ARENA_MAX="2"
ENTRYPOINT ["java", "-jar", "/app/dps-operator.jar"]
CMD ["run"]
