; Inno Setup script for Shelfmark on Windows (Inno Setup 6).
;
; build/build.py runs it after PyInstaller when ISCC.exe is on PATH (or in Inno Setup's
; default folder):
;     iscc /DAppVersion=0.1.0 /DSourceDir=<dist>\Shelfmark /DOutputDir=<out> /DIconFile=<icons>\shelfmark.ico build\windows\shelfmark.iss
;
; Installs per user by default (no administrator prompt), into Program Files when the
; user chooses "all users". The library is not in the install folder: it lives in
; %LOCALAPPDATA%\Shelfmark (platformdirs), so uninstalling or upgrading never touches it.
; The window uses Microsoft Edge WebView2, which Windows 10 and 11 ship; pywebview tells
; the user if it is missing.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\Shelfmark"
#endif
#ifndef OutputDir
  #define OutputDir "..\out"
#endif
#ifndef IconFile
  #define IconFile "..\out\icons\shelfmark.ico"
#endif

[Setup]
; The AppId ties upgrades and the uninstaller to this program: never change it.
AppId={{EDBE71DB-100A-423E-AB01-044317134582}
AppName=Shelfmark
AppVersion={#AppVersion}
AppVerName=Shelfmark {#AppVersion}
AppPublisher=Shelfmark
DefaultDirName={autopf}\Shelfmark
DefaultGroupName=Shelfmark
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=Shelfmark-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\Shelfmark.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running Shelfmark holds files in {app}; ask to close it rather than fail mid-copy.
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: Shelfmark.exe and _internal\.
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle wholesale, so no module of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\Shelfmark"; Filename: "{app}\Shelfmark.exe"
Name: "{autodesktop}\Shelfmark"; Filename: "{app}\Shelfmark.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Shelfmark.exe"; Description: "{cm:LaunchProgram,Shelfmark}"; Flags: nowait postinstall skipifsilent
