@REM Maven wrapper for codex-mcp (Windows).
@REM 1. Runs an installed Maven from PATH when one is found.
@REM 2. Otherwise, when MVNW_REPOURL is set, downloads Maven from
@REM    %MVNW_REPOURL%/org/apache/maven/apache-maven/<v>/apache-maven-<v>-bin.zip
@REM 3. Otherwise stops with a message saying exactly that.
@echo off
setlocal
set "BASE_DIR=%~dp0"
set "MAVEN_VERSION="
for /f "usebackq tokens=1,* delims==" %%A in ("%BASE_DIR%.mvn\wrapper\maven-wrapper.properties") do (
  if "%%A"=="mavenVersion" set "MAVEN_VERSION=%%B"
)
where mvn >nul 2>nul
if %ERRORLEVEL%==0 (
  cd /d "%BASE_DIR%"
  mvn %*
  exit /b %ERRORLEVEL%
)
if "%MAVEN_USER_HOME%"=="" set "MAVEN_USER_HOME=%USERPROFILE%\.m2"
set "DIST_DIR=%MAVEN_USER_HOME%\wrapper\dists\apache-maven-%MAVEN_VERSION%"
if exist "%DIST_DIR%\bin\mvn.cmd" goto run
if "%MVNW_REPOURL%"=="" (
  echo mvnw: no Maven found on PATH, and MVNW_REPOURL is not set. 1>&2
  echo mvnw: install Maven, or set MVNW_REPOURL to the base URL of a Maven repository to download Maven %MAVEN_VERSION% from. 1>&2
  exit /b 1
)
set "URL=%MVNW_REPOURL%/org/apache/maven/apache-maven/%MAVEN_VERSION%/apache-maven-%MAVEN_VERSION%-bin.zip"
echo mvnw: downloading Maven %MAVEN_VERSION% from %URL% 1>&2
powershell -NoProfile -Command "$ErrorActionPreference='Stop'; $t=Join-Path $env:TEMP ('mvnw-'+[guid]::NewGuid()); New-Item -ItemType Directory $t | Out-Null; Invoke-WebRequest -Uri $env:URL -OutFile (Join-Path $t 'm.zip'); Expand-Archive (Join-Path $t 'm.zip') $t; New-Item -ItemType Directory -Force (Split-Path $env:DIST_DIR) | Out-Null; Move-Item (Join-Path $t ('apache-maven-'+$env:MAVEN_VERSION)) $env:DIST_DIR"
if errorlevel 1 exit /b 1
:run
cd /d "%BASE_DIR%"
"%DIST_DIR%\bin\mvn.cmd" %*
exit /b %ERRORLEVEL%
