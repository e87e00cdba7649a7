; Inno Setup script for the Windows installer of unionapp ("Công đoàn").
; Needs Inno Setup 6.3 or newer. Built by: python installer\build.py (see installer\README.md),
; which passes /DAppVersion=<version in pyproject.toml> and the folders below.
;
; What it does, for the current user only (no administrator needed):
;  - copies the PyInstaller bundle (dist\unionapp) to %LOCALAPPDATA%\Programs\unionapp;
;  - Start-menu shortcuts "Công đoàn" and "Công đoàn (dữ liệu mẫu)", a desktop shortcut;
;  - exchange packages: they are plain .zip files, so no extension is taken over: .zip files
;    get "Công đoàn" in "Open with" and a "Nhập vào Công đoàn" entry in their right-click menu,
;    both running: unionapp.exe --open "<file>";
;  - the uninstaller removes the program and those entries, and NEVER the user's data:
;    databases, backups and settings live in %LOCALAPPDATA%\unionapp, which this script
;    neither installs into nor deletes.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=0.1.0 unionapp.iss (python installer\build.py does)
#endif
#ifndef RootDir
  #define RootDir AddBackslash(SourcePath) + "..\.."
#endif
#ifndef BundleDir
  #define BundleDir RootDir + "\dist\unionapp"
#endif
#ifndef OutputDir
  #define OutputDir RootDir + "\dist"
#endif
#define AppExe "unionapp.exe"

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{2967A5CB-B2B5-4604-B38E-A7A1CFBDC88E}
AppName=Công đoàn
AppVersion={#AppVersion}
AppVerName=Công đoàn {#AppVersion}
AppPublisher=unionapp
VersionInfoVersion={#AppVersion}
VersionInfoDescription=Phần mềm Công đoàn — bộ cài đặt
; Per user, never elevated: {autopf} is then %LOCALAPPDATA%\Programs and HKA is HKCU.
PrivilegesRequired=lowest
DefaultDirName={autopf}\unionapp
DefaultGroupName=Công đoàn
DisableProgramGroupPage=yes
; The bundle is 64-bit Python and Qt 6, which need Windows 10 or newer.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=unionapp-{#AppVersion}-setup
SetupIconFile={#RootDir}\resources\icons\unionapp.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName=Công đoàn
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Tell Explorer about the "Open with" entries at the end of (un)installing.
ChangesAssociations=yes
; Close a running copy (it holds its files) before replacing or removing it.
CloseApplications=yes

[Languages]
; Inno Setup ships no Vietnamese wizard; the community translation is used when it has been
; put in the compiler's Languages folder (installer\README.md), English otherwise. Our own
; texts below are Vietnamese either way.
#if FileExists(CompilerPath + "Languages\Vietnamese.isl")
Name: "vi"; MessagesFile: "compiler:Languages\Vietnamese.isl"
#else
Name: "vi"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
vi.AdditionalIcons=Lối tắt:
vi.CreateDesktopIcon=Tạo lối tắt "Công đoàn" trên màn hình &Desktop
vi.PackageTask=Mở tệp dữ liệu trao đổi (.zip) bằng Công đoàn ("Mở bằng" và menu chuột phải)
vi.PackageTypeName=Tệp dữ liệu trao đổi Công đoàn
vi.ImportVerb=Nhập vào Công đoàn
vi.DemoShortcut=Công đoàn (dữ liệu mẫu)
vi.ShortcutComment=Quản lý đoàn viên, hoạt động, khen thưởng, chăm lo và trao đổi dữ liệu
vi.LaunchProgram=Mở Công đoàn ngay

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "packages"; Description: "{cm:PackageTask}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade replaces the whole bundle, so no library of the old version lingers beside the new.
; (Only the program's folder: the user's data is elsewhere.)
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Công đoàn"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Comment: "{cm:ShortcutComment}"
Name: "{autoprograms}\{cm:DemoShortcut}"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"; WorkingDir: "{userdocs}"; Comment: "{cm:ShortcutComment}"
Name: "{autodesktop}\Công đoàn"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Comment: "{cm:ShortcutComment}"; Tasks: desktopicon

[Registry]
; A file type of our own, offered for .zip files without becoming their default program.
Root: HKA; Subkey: "Software\Classes\unionapp.package"; ValueType: string; ValueName: ""; ValueData: "{cm:PackageTypeName}"; Flags: uninsdeletekey; Tasks: packages
Root: HKA; Subkey: "Software\Classes\unionapp.package\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: packages
Root: HKA; Subkey: "Software\Classes\unionapp.package\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" --open ""%1"""; Tasks: packages
Root: HKA; Subkey: "Software\Classes\.zip\OpenWithProgids"; ValueType: string; ValueName: "unionapp.package"; ValueData: ""; Flags: uninsdeletevalue; Tasks: packages
; The program's name in "Open with" (instead of "unionapp.exe").
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "Công đoàn"; Flags: uninsdeletekey; Tasks: packages
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".zip"; ValueData: ""; Tasks: packages
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" --open ""%1"""; Tasks: packages
; Right-click on any .zip: "Nhập vào Công đoàn".
Root: HKA; Subkey: "Software\Classes\SystemFileAssociations\.zip\shell\unionapp.import"; ValueType: string; ValueName: ""; ValueData: "{cm:ImportVerb}"; Flags: uninsdeletekey; Tasks: packages
Root: HKA; Subkey: "Software\Classes\SystemFileAssociations\.zip\shell\unionapp.import"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\{#AppExe},0"; Tasks: packages
Root: HKA; Subkey: "Software\Classes\SystemFileAssociations\.zip\shell\unionapp.import\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" --open ""%1"""; Tasks: packages

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] section on purpose: the uninstaller removes only what [Files],
; [Icons] and [Registry] put in place. %LOCALAPPDATA%\unionapp (databases, backups, settings)
; stays, so reinstalling finds the union's data as it was.
