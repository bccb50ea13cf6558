# One image recipe for the three services: docker build --build-arg SERVICE=command-api .
# (docker-compose.yml builds each service this way.)
ARG SERVICE=command-api

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
ARG SERVICE
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 board
WORKDIR /app
COPY --from=build /src/${SERVICE}/target/${SERVICE}.jar /app/service.jar
COPY --from=build /src/${SERVICE}/target/lib /app/lib
USER board
# exec form so SIGTERM reaches the JVM and its shutdown hooks (the projector commits before exiting)
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/service.jar"]
